"""A PRD folder opened for a render: confined, locked, and written all at once.

- Confined: every file is read and written relative to the folder's own descriptor, and no
  symbolic link is followed below it. prd.md, `.prdkit`, its files and backups must be
  regular files and real folders; a link or a device is refused with a clear message, so a
  render never reads a file elsewhere (a private key linked as prd.md) or writes through a
  linked `.prdkit`.
- Locked: one render at a time per folder (`.prdkit/render.lock`, an flock the system drops
  when a render dies, so a stale lock never blocks anything). A second render waits for the
  first, then works on its result.
- All at once: every new file is first written in full to a staging folder inside `.prdkit`,
  then moved into place. If anything fails before that (a full disk, a read-only folder, a
  size limit), every file stays as it was; if a move fails half way, the files already moved
  are put back. Messages name the file a user knows and say the reason in words.
- Tidy: staging folders and `.prd.md.*.tmp` files left by a killed render are removed by the
  next one.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import time
from pathlib import Path
from typing import Callable, Iterable, Mapping

from .errors import UserError

STATE_DIR = ".prdkit"
LOCK_NAME = "render.lock"
LOCK_WAIT_ENV = "PRDKIT_LOCK_WAIT"
DEFAULT_LOCK_WAIT = 120.0
MAX_READ = 50 * 1024 * 1024
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
# files an older prdkit wrote through "<.name>.<random>.tmp" beside the target
_LEFTOVER = re.compile(r"^\.(prd\.md|prd\.docx|launch-checklist\.md|launch-checklist\.docx|answers\.yaml|"
                       r"acceptance-report\.md|acceptance-report\.docx|acceptance\.yaml|"
                       r"prd\.base\.md|answers\.base\.yaml|history\.yaml|prd-\d+\.md|answers-\d+\.yaml)\.[A-Za-z0-9_]{6,}\.tmp$")

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "not permitted",
    errno.EFBIG: "the file is larger than the file system or a size limit allows",
    errno.ELOOP: "it is a symbolic link",
    errno.EISDIR: "it is a folder",
    errno.ENOTDIR: "a part of its path is not a folder",
    errno.EIO: "the disk reported an input/output error",
    errno.ENOENT: "it does not exist",
    errno.EMFILE: "too many open files",
    errno.ENAMETOOLONG: "the name is too long",
}


def reason(exc: OSError) -> str:
    """An OSError in words, without the file name it may carry (often a temporary one)."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return (exc.strerror or os.strerror(exc.errno or 0) or type(exc).__name__).lower()


class RenderFolder:
    """Use as `with RenderFolder(path) as folder: ...`; see the module docstring."""

    def __init__(self, path: Path, lang: str = "en", on_wait: Callable[[str], None] | None = None,
                 lock: bool = True):
        self.path = Path(path)
        self.lang = lang
        self.on_wait = on_wait
        self.lock = lock
        self.fd = -1
        self.made_folder = False
        self.made_state = False
        self.state_fd = -1
        self.lock_fd = -1

    # ------------------------------------------------------------------ opening and locking

    def __enter__(self) -> "RenderFolder":
        try:
            self.made_folder = not os.path.lexists(self.path)
            self.path.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise UserError(f"{self.path}: exists and is not a folder") from None
        except OSError as exc:
            raise UserError(f"{self.path}: cannot create the folder: {reason(exc)}") from None
        try:
            self.fd = os.open(self.path, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
        except OSError as exc:
            raise UserError(f"{self.path}: cannot open the folder: {reason(exc)}") from None
        try:
            if self.lock:
                self._lock()
                self._tidy()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        if self.lock_fd >= 0 and self.state_fd >= 0:
            try:  # removed while still held: a render waiting on it starts over on a new file
                os.unlink(LOCK_NAME, dir_fd=self.state_fd)
            except OSError:
                pass
        for name in ("lock_fd", "state_fd"):
            fd = getattr(self, name)
            if fd >= 0:
                os.close(fd)  # closing the lock file releases the lock
                setattr(self, name, -1)
        if self.made_state and self.fd >= 0:
            try:  # a first render that failed leaves no empty .prdkit behind
                os.rmdir(STATE_DIR, dir_fd=self.fd)
            except OSError:
                pass
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        if self.made_folder:
            try:  # nor an empty output folder (rmdir removes only an empty one)
                os.rmdir(self.path)
            except OSError:
                pass
            self.made_folder = False

    def _lock(self) -> None:
        import fcntl

        try:
            os.stat(STATE_DIR, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            self.made_state = True
        self.state_fd = self.open_dir(STATE_DIR, create=True)
        where = self.show(STATE_DIR + "/" + LOCK_NAME)
        try:
            limit = float(os.environ.get(LOCK_WAIT_ENV, DEFAULT_LOCK_WAIT))
        except ValueError:
            limit = DEFAULT_LOCK_WAIT
        deadline = time.monotonic() + limit
        told = False
        while True:
            try:
                fd = os.open(LOCK_NAME, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o666, dir_fd=self.state_fd)
            except FileNotFoundError:
                # .prdkit was removed meanwhile (a first render that failed tidies up): again
                os.close(self.state_fd)
                self.state_fd = self.open_dir(STATE_DIR, create=True)
                continue
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise self._refusal(STATE_DIR + "/" + LOCK_NAME, exc) from None
                raise UserError(f"{where}: cannot create the render lock: {reason(exc)}") from None
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                raise UserError(f"{where}: is not a regular file")
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                try:
                    same = os.stat(LOCK_NAME, dir_fd=self.state_fd, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
                except FileNotFoundError:
                    same = False
                if same:
                    self.lock_fd = fd
                    return
                os.close(fd)  # the render before removed this file as it finished: take the new one
                continue
            except BlockingIOError:
                os.close(fd)
            if not told and self.on_wait is not None:
                self.on_wait(f"另一个 render 正在生成 {self.path}，等待它完成……" if self.lang == "zh" else
                             f"another render of {self.path} is running; waiting for it to finish")
                told = True
            if time.monotonic() >= deadline:
                raise UserError(f"{self.path}: another render is running in this folder (it holds "
                                f"{STATE_DIR}/{LOCK_NAME}); try again when it has finished")
            time.sleep(0.05)

    def _tidy(self) -> None:
        """Remove what a killed render left: staging folders and old-style temp files."""
        import shutil

        state = self.open_dir(STATE_DIR)
        if state < 0:
            return
        try:
            for name in os.listdir(state):
                if name.startswith("staging-"):
                    shutil.rmtree(name, dir_fd=state, ignore_errors=True)
        finally:
            os.close(state)
        for rel in ("", STATE_DIR, STATE_DIR + "/backups"):
            try:
                fd = self.open_dir(rel) if rel else os.dup(self.fd)
            except UserError:
                continue
            if fd < 0:
                continue
            try:
                for name in os.listdir(fd):
                    if _LEFTOVER.match(name) and stat.S_ISREG(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
                        try:
                            os.unlink(name, dir_fd=fd)
                        except OSError:
                            pass
            finally:
                os.close(fd)

    # ------------------------------------------------------------------ reading

    def show(self, rel: str) -> str:
        return str(self.path / rel) if rel else str(self.path)

    def open_dir(self, rel: str, create: bool = False) -> int:
        """A descriptor of the sub-folder `rel` (every part a real folder, never a link);
        -1 when it does not exist and `create` is false."""
        fd = os.dup(self.fd)
        done = []
        try:
            for part in [p for p in rel.split("/") if p]:
                done.append(part)
                try:
                    child = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=fd)
                except FileNotFoundError:
                    if not create:
                        os.close(fd)
                        return -1
                    try:
                        os.mkdir(part, 0o777, dir_fd=fd)
                    except FileExistsError:
                        pass
                    except OSError as exc:
                        raise UserError(f"{self.show('/'.join(done))}: cannot create the folder: {reason(exc)}") from None
                    child = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=fd)
                except OSError as exc:
                    raise self._refusal("/".join(done), exc, folder=True) from None
                os.close(fd)
                fd = child
            return fd
        except BaseException:
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
            raise

    def _refusal(self, rel: str, exc: OSError, folder: bool = False) -> UserError:
        where = self.show(rel)
        try:
            mode = os.stat(rel, dir_fd=self.fd, follow_symlinks=False).st_mode
        except OSError:
            mode = 0
        if stat.S_ISLNK(mode) or exc.errno == errno.ELOOP:
            return UserError(f"{where}: is a symbolic link; prdkit reads and writes only real files and folders "
                             f"inside {self.path} (replace the link with the {'folder' if folder else 'file'} itself)")
        if exc.errno == errno.ENOTDIR:
            return UserError(f"{where}: is not a folder")
        return UserError(f"{where}: cannot read: {reason(exc)}")

    def _split(self, rel: str) -> tuple[str, str]:
        head, _, name = rel.rpartition("/")
        return head, name

    def read(self, rel: str, limit: int = MAX_READ) -> bytes | None:
        """The bytes of a regular file inside the folder; None when it does not exist."""
        head, name = self._split(rel)
        dirfd = self.open_dir(head) if head else os.dup(self.fd)
        if dirfd < 0:
            return None
        try:
            try:
                fd = os.open(name, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK | _CLOEXEC, dir_fd=dirfd)
            except FileNotFoundError:
                return None
            except OSError as exc:
                raise self._refusal(rel, exc) from None
            with os.fdopen(fd, "rb") as fh:
                if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                    raise UserError(f"{self.show(rel)}: is not a regular file")
                try:
                    data = fh.read(limit + 1)
                except OSError as exc:
                    raise UserError(f"{self.show(rel)}: cannot read: {reason(exc)}") from None
            if len(data) > limit:
                raise UserError(f"{self.show(rel)}: larger than {limit:,} bytes")
            return data
        finally:
            os.close(dirfd)

    def same(self, rel: str, data: bytes) -> bool:
        """Whether the file already holds exactly `data`."""
        try:
            return self.read(rel, limit=len(data)) == data
        except UserError:
            return False

    def listdir(self, rel: str) -> list[str]:
        fd = self.open_dir(rel)
        if fd < 0:
            return []
        try:
            return os.listdir(fd)
        except OSError as exc:
            raise UserError(f"{self.show(rel)}: cannot read: {reason(exc)}") from None
        finally:
            os.close(fd)

    def check_target(self, rel: str) -> None:
        """Refuse to replace anything but a regular file (a link, a folder, a device)."""
        head, name = self._split(rel)
        dirfd = self.open_dir(head) if head else os.dup(self.fd)
        if dirfd < 0:
            return
        try:
            try:
                mode = os.stat(name, dir_fd=dirfd, follow_symlinks=False).st_mode
            except FileNotFoundError:
                return
            except OSError as exc:
                raise self._refusal(rel, exc) from None
        finally:
            os.close(dirfd)
        if stat.S_ISLNK(mode):
            raise self._refusal(rel, OSError(errno.ELOOP, "link"))
        if not stat.S_ISREG(mode):
            raise UserError(f"{self.show(rel)}: is not a regular file; prdkit will not replace it")

    # ------------------------------------------------------------------ writing

    def commit(self, files: Mapping[str, str | bytes]) -> tuple[list[Path], list[Path]]:
        """Write every file (path relative to the folder → content) or none. Unchanged files
        are not touched. Returns (written, unchanged) as paths."""
        import shutil

        plan: list[tuple[str, bytes]] = []
        unchanged: list[Path] = []
        for rel, content in sorted(files.items(), key=lambda item: _commit_order(item[0])):
            data = content.encode("utf-8") if isinstance(content, str) else content
            self.check_target(rel)
            if self.same(rel, data):
                unchanged.append(self.path / rel)
                continue
            plan.append((rel, data))
        if not plan:
            return [], unchanged
        state = self.open_dir(STATE_DIR, create=True)
        staging_name = None
        try:
            import secrets

            while staging_name is None:
                name = f"staging-{secrets.token_hex(8)}"
                try:
                    os.mkdir(name, 0o700, dir_fd=state)
                    staging_name = name
                except FileExistsError:
                    continue
                except OSError as exc:
                    raise UserError(f"{self.show(STATE_DIR)}: cannot write: {reason(exc)}; nothing was changed") from None
            staging = os.open(staging_name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=state)
            try:
                self._stage(plan, staging)
                self._move(plan, staging)
            finally:
                os.close(staging)
        finally:
            if staging_name is not None:
                shutil.rmtree(staging_name, dir_fd=state, ignore_errors=True)
            os.close(state)
        return [self.path / rel for rel, _ in plan], unchanged

    def _stage(self, plan: list[tuple[str, bytes]], staging: int) -> None:
        for i, (rel, data) in enumerate(plan):
            mode = self._mode_of(rel)
            try:
                fd = os.open(str(i), os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600, dir_fd=staging)
                try:
                    view = memoryview(data)
                    while view:
                        view = view[os.write(fd, view):]
                    os.fchmod(fd, mode)
                finally:
                    os.close(fd)
            except OSError as exc:
                raise UserError(f"{self.show(rel)}: cannot write: {reason(exc)}; nothing was changed") from None

    def _mode_of(self, rel: str) -> int:
        head, name = self._split(rel)
        dirfd = self.open_dir(head) if head else os.dup(self.fd)
        try:
            if dirfd >= 0:
                try:
                    return os.stat(name, dir_fd=dirfd, follow_symlinks=False).st_mode & 0o777
                except OSError:
                    pass
        finally:
            if dirfd >= 0:
                os.close(dirfd)
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask

    def _move(self, plan: list[tuple[str, bytes]], staging: int) -> None:
        """Move the staged files into place; on a failure put back what was already moved."""
        done: list[tuple[int, str, str | None]] = []  # (folder fd, name, kept old copy in staging)
        opened: list[int] = []
        try:
            for i, (rel, _) in enumerate(plan):
                head, name = self._split(rel)
                try:
                    dirfd = self.open_dir(head, create=True) if head else os.dup(self.fd)
                    opened.append(dirfd)
                    self.check_target(rel)
                    old = None
                    try:
                        os.link(name, f"old-{i}", src_dir_fd=dirfd, dst_dir_fd=staging, follow_symlinks=False)
                        old = f"old-{i}"
                    except FileNotFoundError:
                        pass
                    except OSError:
                        old = None  # no hard links here: this file cannot be put back
                    os.replace(str(i), name, src_dir_fd=staging, dst_dir_fd=dirfd)
                    done.append((dirfd, name, old))
                except OSError as exc:
                    raise UserError(f"{self.show(rel)}: cannot write: {reason(exc)}; nothing was changed") from None
        except BaseException:
            for dirfd, name, old in reversed(done):
                try:
                    if old is not None:
                        os.replace(old, name, src_dir_fd=staging, dst_dir_fd=dirfd)
                    else:
                        os.unlink(name, dir_fd=dirfd)
                except OSError:
                    pass
            raise
        finally:
            for fd in opened:
                os.close(fd)


def _commit_order(rel: str) -> int:
    """Backups first (they must exist before what they keep is replaced), then the documents,
    then the render's own records: were a render killed between two moves, the next one would
    see new documents against an old record, which merges cleanly, never the reverse."""
    if rel.startswith(STATE_DIR + "/backups/"):
        return 0
    if rel.startswith(STATE_DIR + "/"):
        return 2
    return 1


def pick_name(taken: Iterable[str], stem: str, suffix: str) -> str:
    """stem-N.suffix with the smallest N not taken."""
    names = set(taken)
    n = 1
    while f"{stem}-{n}{suffix}" in names:
        n += 1
    return f"{stem}-{n}{suffix}"
