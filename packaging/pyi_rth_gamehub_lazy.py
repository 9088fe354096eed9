# ruff: noqa
# PyInstaller run-time hook, written into the build by gamehub.spec with __HOOKS__ filled in.
#
# PyInstaller's own run-time hooks for multiprocessing, inspect, pkgutil and PySide6 run
# at every start of the executable and import what they patch (PySide6.QtCore, ~0.2 s
# with the rest), although a game started with `GameHub run-script` or a command such as
# `GameHub --version` may never use any of it. The spec takes them out of the start-up
# and this hook runs each one, unchanged, right after its module is first imported.
import sys


def _pyi_rthook(hooks):
    class RunHookAfter:
        """Wraps a watched module's loader: loads the module, then runs its hook."""

        def __init__(self, loader, name, source):
            self.loader, self.name, self.source = loader, name, source

        def create_module(self, spec):
            return self.loader.create_module(spec)

        def exec_module(self, module):
            # the module and its spec keep the real loader (inspect and pkgutil read it)
            module.__loader__ = module.__spec__.loader = self.loader
            self.loader.exec_module(module)
            exec(compile(self.source, f"<run-time hook for {self.name}>", "exec"), {})

    class AfterImport:
        """A meta path finder that finds nothing itself: it asks the others, then wraps."""

        def find_spec(self, name, path=None, target=None):
            source = hooks.pop(name, None)
            if source is None:
                return None
            for finder in sys.meta_path:
                if finder is self or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(name, path, target)
                if spec is not None and spec.loader is not None:
                    spec.loader = RunHookAfter(spec.loader, name, source)
                    return spec
            return None

    for name in [n for n in hooks if n in sys.modules]:  # imported before this hook ran
        exec(compile(hooks.pop(name), f"<run-time hook for {name}>", "exec"), {})
    sys.meta_path.insert(0, AfterImport())


_pyi_rthook(__HOOKS__)
del _pyi_rthook
