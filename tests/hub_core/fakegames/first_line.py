# Reports what confines it with its very first line of code (fakelib.report_jail), then echoes.
import fakelib; fakelib.report_jail()  # noqa: E702, I001  # fmt: skip

fakelib.serve_echo(fakelib.listen())
