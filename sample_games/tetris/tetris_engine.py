"""Tetris without a screen: the board, the seven pieces, the 7-bag, moves, clears, garbage.

Coordinates: x grows to the right (0..9), y grows downwards (0..19). A piece may stick
out above the board (y < 0) while it moves; locking it there tops the player out.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

WIDTH, HEIGHT = 10, 20
KINDS = "IOTSZJL"
GARBAGE = "G"
EMPTY = ""

# Each piece in its spawn orientation: (box size, cells). Rotating turns the box.
SHAPES: dict[str, tuple[int, tuple[tuple[int, int], ...]]] = {
    "I": (4, ((0, 1), (1, 1), (2, 1), (3, 1))),
    "O": (2, ((0, 0), (1, 0), (0, 1), (1, 1))),
    "T": (3, ((1, 0), (0, 1), (1, 1), (2, 1))),
    "S": (3, ((1, 0), (2, 0), (0, 1), (1, 1))),
    "Z": (3, ((0, 0), (1, 0), (1, 1), (2, 1))),
    "J": (3, ((0, 0), (0, 1), (1, 1), (2, 1))),
    "L": (3, ((2, 0), (0, 1), (1, 1), (2, 1))),
}
KICKS = ((0, 0), (-1, 0), (1, 0), (0, -1), (-2, 0), (2, 0))
LINE_SCORES = {0: 0, 1: 100, 2: 300, 3: 500, 4: 800}
GARBAGE_SENT = {0: 0, 1: 0, 2: 1, 3: 2, 4: 4}


def shape_cells(kind: str, rotation: int) -> tuple[tuple[int, int], ...]:
    """The cells of a piece inside its box after ``rotation`` clockwise quarter turns."""
    size, cells = SHAPES[kind]
    for _ in range(rotation % 4):
        cells = tuple((size - 1 - y, x) for x, y in cells)
    return tuple(sorted(cells))


@dataclass(frozen=True)
class Piece:
    kind: str
    rotation: int = 0
    x: int = 0
    y: int = 0

    def cells(self) -> list[tuple[int, int]]:
        return [(self.x + cx, self.y + cy) for cx, cy in shape_cells(self.kind, self.rotation)]


def spawn_piece(kind: str) -> Piece:
    """A new piece centred at the top, its highest cells in row 0."""
    size, cells = SHAPES[kind]
    top = min(y for _, y in cells)
    return Piece(kind, 0, (WIDTH - size) // 2, -top)


class SevenBag:
    """Deals the seven pieces in a shuffled order, then shuffles a new bag."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._bag: list[str] = []

    def next(self) -> str:
        if not self._bag:
            self._bag = list(KINDS)
            self.rng.shuffle(self._bag)
        return self._bag.pop()


class Tetris:
    """One player's game. Moves return whether they happened; ``over`` ends everything."""

    def __init__(self, seed: int | None = None) -> None:
        self.grid: list[list[str]] = [[EMPTY] * WIDTH for _ in range(HEIGHT)]
        self.bag = SevenBag(random.Random(seed))
        self.holes = random.Random(None if seed is None else seed + 1)
        self.next_kind = self.bag.next()
        self.piece: Piece | None = None
        self.score = 0
        self.lines = 0
        self.over = False
        self.last_cleared = 0
        self.garbage_out = 0
        """Rows of garbage earned for the opponent and not yet sent (see take_garbage)."""
        self.incoming: list[int] = []
        self.spawn()

    @property
    def level(self) -> int:
        return self.lines // 10 + 1

    @property
    def gravity_ms(self) -> int:
        """Milliseconds between gravity steps: 800 at level 1, faster each level."""
        return max(60, round(800 * 0.85 ** (self.level - 1)))

    def fits(self, piece: Piece) -> bool:
        for x, y in piece.cells():
            if not 0 <= x < WIDTH or y >= HEIGHT:
                return False
            if y >= 0 and self.grid[y][x] != EMPTY:
                return False
        return True

    def spawn(self) -> bool:
        piece = spawn_piece(self.next_kind)
        self.next_kind = self.bag.next()
        if not self.fits(piece):
            self.piece, self.over = None, True
            return False
        self.piece = piece
        return True

    def _try(self, piece: Piece) -> bool:
        if self.over or not self.fits(piece):
            return False
        self.piece = piece
        return True

    def move(self, dx: int) -> bool:
        return self.piece is not None and self._try(replace(self.piece, x=self.piece.x + dx))

    def rotate(self, turn: int = 1) -> bool:
        """Turns clockwise (1) or anticlockwise (-1), nudging off walls and blocks if needed."""
        if self.piece is None or self.over:
            return False
        turned = replace(self.piece, rotation=(self.piece.rotation + turn) % 4)
        return any(self._try(replace(turned, x=turned.x + dx, y=turned.y + dy)) for dx, dy in KICKS)

    def soft_drop(self) -> bool:
        """One row down (1 point); False when the piece rests on something."""
        if self.piece is not None and self._try(replace(self.piece, y=self.piece.y + 1)):
            self.score += 1
            return True
        return False

    def hard_drop(self) -> int:
        """Drops and locks the piece at once (2 points a row); returns the rows fallen."""
        if self.piece is None or self.over:
            return 0
        rows = self.drop_distance()
        self.piece = replace(self.piece, y=self.piece.y + rows)
        self.score += 2 * rows
        self.lock()
        return rows

    def tick(self) -> None:
        """One gravity step: down a row, or lock the piece where it rests."""
        if self.piece is None or self.over:
            return
        if not self._try(replace(self.piece, y=self.piece.y + 1)):
            self.lock()

    def drop_distance(self) -> int:
        if self.piece is None:
            return 0
        rows = 0
        while self.fits(replace(self.piece, y=self.piece.y + rows + 1)):
            rows += 1
        return rows

    def ghost(self) -> Piece | None:
        """Where the piece would land: drawn faintly to help aim."""
        if self.piece is None:
            return None
        return replace(self.piece, y=self.piece.y + self.drop_distance())

    def lock(self) -> None:
        """Writes the piece into the board, clears lines, takes garbage, spawns the next."""
        if self.piece is None:
            return
        cells = self.piece.cells()
        for x, y in cells:
            if y >= 0:
                self.grid[y][x] = self.piece.kind
        self.piece = None
        if any(y < 0 for _, y in cells):
            self.over = True
            return
        cleared = self.clear_lines()
        self.last_cleared = cleared
        self.score += LINE_SCORES[cleared] * self.level
        self.lines += cleared
        self.garbage_out += GARBAGE_SENT[cleared]
        self.apply_garbage()
        if not self.over:
            self.spawn()

    def clear_lines(self) -> int:
        full = [y for y, row in enumerate(self.grid) if all(cell != EMPTY for cell in row)]
        for y in full:
            del self.grid[y]
            self.grid.insert(0, [EMPTY] * WIDTH)
        return len(full)

    def add_garbage(self, rows: int) -> None:
        """Queues garbage from the opponent; it rises when the current piece locks."""
        if rows > 0:
            self.incoming.append(rows)

    def apply_garbage(self) -> None:
        """Pushes queued garbage up from the bottom, one hole per batch; may top out."""
        while self.incoming:
            rows = min(self.incoming.pop(0), HEIGHT)
            hole = self.holes.randrange(WIDTH)
            pushed_out = self.grid[:rows]
            if any(cell != EMPTY for row in pushed_out for cell in row):
                self.over = True
            new_row = [GARBAGE] * WIDTH
            new_row[hole] = EMPTY
            self.grid = self.grid[rows:] + [list(new_row) for _ in range(rows)]
        if self.over:
            self.piece = None

    def take_garbage(self) -> int:
        """Garbage rows to send now (and forget)."""
        rows, self.garbage_out = self.garbage_out, 0
        return rows

    def rows(self, with_piece: bool = True) -> list[str]:
        """The board as 20 strings of 10 characters: '.' empty, else the piece letter or G."""
        grid = [list(row) for row in self.grid]
        if with_piece and self.piece is not None:
            for x, y in self.piece.cells():
                if y >= 0:
                    grid[y][x] = self.piece.kind
        return ["".join(cell or "." for cell in row) for row in grid]
