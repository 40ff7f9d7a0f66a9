"""A render stays inside its folder, writes everything or nothing, one at a time, and never
loses what a user wrote (issue 16)."""

import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pytest
import yaml

from conftest import run_prdkit

PRDKIT = [sys.executable, "-m", "prdkit"]


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("made") / "p"
    result = run_prdkit("new", folder, "--preset", "rag-knowledge-base", "--lang", "en", "--defaults")
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture
def project(made, tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(made, folder, symlinks=True)
    return folder


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def change_answer(folder, old="daily_requests: 12000", new="daily_requests: 20000"):
    path = folder / "answers.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def docx_text(path):
    document = docx.Document(path)
    return "\n".join([p.text for p in document.paragraphs] +
                     [c.text for t in document.tables for r in t.rows for c in r.cells])


def no_temp_names(stderr):
    return ".tmp" not in stderr and "staging-" not in stderr and "prdkit: :" not in stderr


# ------------------------------------------------------------------ confinement


def test_a_linked_state_folder_is_refused_and_nothing_is_written_through_it(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    (project / ".prdkit").rename(elsewhere)
    (project / ".prdkit").symlink_to(elsewhere)
    before = snapshot(elsewhere)
    change_answer(project)
    result = run_prdkit("render", project / "answers.yaml")
    assert result.returncode == 2
    assert ".prdkit: is a symbolic link" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(elsewhere) == before
    assert "12,000 requests/day" in (project / "prd.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("part", ["prd.md", ".prdkit/prd.base.md", ".prdkit/answers.base.yaml", ".prdkit/backups"])
def test_a_link_among_the_files_is_refused(project, tmp_path, part):
    secret = tmp_path / "id_rsa"
    secret.write_text("-----BEGIN PRIVATE KEY-----\nsecret-key-material\n", encoding="utf-8")
    target = project / part
    if part.endswith("backups"):
        (tmp_path / "outside").mkdir()
        target.symlink_to(tmp_path / "outside")
        (project / "prd.md").write_text("my own prd\n", encoding="utf-8")  # forces a backup
        (project / ".prdkit" / "prd.base.md").unlink()
    else:
        target.unlink()
        target.symlink_to(secret)
    before = snapshot(project)
    result = run_prdkit("render", project / "answers.yaml", "--force")
    assert result.returncode == 2, result.stderr
    assert f"{part}: is a symbolic link" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(project) == before
    assert secret.read_text(encoding="utf-8").endswith("secret-key-material\n")
    assert "secret-key-material" not in docx_text(project / "prd.docx")
    if part.endswith("backups"):
        assert list((tmp_path / "outside").iterdir()) == []


# ------------------------------------------------------------------ all or nothing


def limited(size):
    def preexec():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return preexec


def test_a_write_that_fails_half_way_changes_no_file(project):
    change_answer(project)
    before = snapshot(project)
    result = subprocess.run([*PRDKIT, "render", project / "answers.yaml"], capture_output=True, text=True,
                            preexec_fn=limited(15000))
    assert result.returncode == 2
    assert "prd.md: cannot write: the file is larger than" in result.stderr and no_temp_names(result.stderr)
    assert snapshot(project) == before
    assert not list((project / ".prdkit").glob("staging-*"))
    again = run_prdkit("render", project / "answers.yaml")
    assert again.returncode == 0 and "20,000 requests/day" in (project / "prd.md").read_text(encoding="utf-8")


def test_new_on_a_full_disk_leaves_no_half_folder_and_a_retry_works(tmp_path):
    target = tmp_path / "fresh"
    result = subprocess.run([*PRDKIT, "new", target, "--preset", "rag-knowledge-base", "--lang", "en", "--defaults"],
                            capture_output=True, text=True, preexec_fn=limited(15000))
    assert result.returncode == 2 and "cannot write" in result.stderr and no_temp_names(result.stderr)
    assert list(tmp_path.iterdir()) == []
    retry = run_prdkit("new", target, "--preset", "rag-knowledge-base", "--lang", "en", "--defaults")
    assert retry.returncode == 0, retry.stderr
    assert (target / "prd.docx").is_file() and (target / "README.md").is_file()


def namespace_available():
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0


NAMESPACE = "unshare -rm (user and mount namespaces) is not available here"


def in_namespace(script, **paths):
    """Run a shell script as root of a new user+mount namespace: it may mount a small tmpfs or
    make a folder read-only without touching the machine."""
    env = dict(os.environ, PRDKIT=" ".join(map(str, PRDKIT)), **{k: str(v) for k, v in paths.items()})
    return subprocess.run(["unshare", "-rm", "sh", "-ec", textwrap.dedent(script)], capture_output=True, text=True,
                          env=env, timeout=300)


@pytest.mark.skipif(not namespace_available(), reason=NAMESPACE)
def test_a_full_disk_changes_no_file(made, tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    result = in_namespace("""
        mount -t tmpfs -o size=400k tmpfs "$DISK"
        cp -a "$MADE" "$DISK/p"
        sed -i 's/daily_requests: 12000/daily_requests: 20000/' "$DISK/p/answers.yaml"
        (cd "$DISK" && find p -type f | sort | xargs md5sum) > "$DISK/../before"
        head -c 100000000 /dev/zero > "$DISK/filler" 2>/dev/null || true
        truncate -s -40K "$DISK/filler"
        set +e
        $PRDKIT render "$DISK/p/answers.yaml" 2> "$DISK/../stderr"
        echo "exit=$?" > "$DISK/../exit"
        (cd "$DISK" && find p -type f | sort | xargs md5sum) > "$DISK/../after"
        ls "$DISK/p/.prdkit" > "$DISK/../state"
        $PRDKIT new "$DISK/q" --preset rag-knowledge-base --lang en --defaults 2> "$DISK/../new-stderr" >/dev/null
        echo "exit=$?" > "$DISK/../new-exit"
        ls -a "$DISK" > "$DISK/../listing"
        rm "$DISK/filler"
        $PRDKIT render "$DISK/p/answers.yaml" > /dev/null
        echo "exit=$?" > "$DISK/../retry"
        """, DISK=disk, MADE=made)
    assert result.returncode == 0, result.stderr
    out = tmp_path
    assert (out / "exit").read_text().strip() == "exit=2"
    stderr = (out / "stderr").read_text()
    assert "the disk is full" in stderr and "cannot write" in stderr and no_temp_names(stderr), stderr
    assert (out / "before").read_text() == (out / "after").read_text()
    assert "staging-" not in (out / "state").read_text()
    assert (out / "new-exit").read_text().strip() == "exit=2" and "the disk is full" in (out / "new-stderr").read_text()
    assert sorted((out / "listing").read_text().split()) == [".", "..", "filler", "p"]
    assert (out / "retry").read_text().strip() == "exit=0"


@pytest.mark.skipif(not namespace_available(), reason=NAMESPACE)
def test_a_read_only_state_folder_changes_no_file(project, tmp_path):
    change_answer(project)
    before = snapshot(project)
    result = in_namespace("""
        mount --bind -o ro "$STATE" "$STATE"
        mount -o remount,bind,ro "$STATE" 2>/dev/null || true
        set +e
        $PRDKIT render "$ANSWERS" 2> "$OUT/stderr"
        echo $? > "$OUT/exit"
        """, STATE=project / ".prdkit", ANSWERS=project / "answers.yaml", OUT=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "exit").read_text().strip() == "2"
    stderr = (tmp_path / "stderr").read_text()
    assert ".prdkit" in stderr and "read-only" in stderr and no_temp_names(stderr), stderr
    assert snapshot(project) == before


@pytest.mark.skipif(not namespace_available(), reason=NAMESPACE)
def test_out_with_a_read_only_answers_folder_writes_all_or_nothing_and_history_moves_forward(project, tmp_path):
    out = tmp_path / "out"
    runs = in_namespace("""
        mount --bind -o ro "$SRC" "$SRC"
        mount -o remount,bind,ro "$SRC" 2>/dev/null || true
        $PRDKIT render "$SRC/answers.yaml" --out "$OUT" > /dev/null
        """, SRC=project, OUT=out)
    assert runs.returncode == 0, runs.stderr
    change_answer(project)
    assert run_prdkit("render", project / "answers.yaml", "--out", out).returncode == 0
    change_answer(project, "daily_requests: 20000", "daily_requests: 30000")
    assert run_prdkit("render", project / "answers.yaml", "--out", out).returncode == 0
    history = yaml.safe_load((out / ".prdkit" / "history.yaml").read_text(encoding="utf-8"))["revisions"]
    assert [r["version"] for r in history] == ["v0.1", "v0.2", "v0.3"]
    assert "| Version | v0.3 |" in (out / "prd.md").read_text(encoding="utf-8")
    assert not (project / ".prdkit" / "history.yaml").exists()


def test_twenty_renders_at_once_agree(project):
    change_answer(project)

    def render(_):
        return subprocess.run([*PRDKIT, "render", project / "answers.yaml"], capture_output=True, text=True, timeout=600)

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(render, range(20)))
    assert [r.returncode for r in results] == [0] * 20, [r.stderr for r in results if r.returncode]
    assert not any("kept" in r.stderr or "conflict" in r.stderr for r in results)
    prd = (project / "prd.md").read_text(encoding="utf-8")
    assert "<<<<<<<" not in prd and "20,000 requests/day" in prd
    assert prd == (project / ".prdkit" / "prd.base.md").read_text(encoding="utf-8")
    history = yaml.safe_load((project / ".prdkit" / "history.yaml").read_text(encoding="utf-8"))["revisions"]
    assert [r["version"] for r in history] == ["v0.1", "v0.2"]
    first = snapshot(project)
    assert run_prdkit("render", project / "answers.yaml").returncode == 0
    assert snapshot(project) == first  # and one more render changes nothing
    assert not (project / ".prdkit" / "render.lock").exists()


def test_a_render_waits_for_the_running_one_and_a_stale_lock_is_ignored(project):
    import fcntl

    state = project / ".prdkit"
    (state / "render.lock").write_text("12345\n")  # left by a render killed long ago
    change_answer(project)
    assert run_prdkit("render", project / "answers.yaml").returncode == 0
    fd = os.open(state / "render.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # a render that is running
        result = run_prdkit("render", project / "answers.yaml", env={"PRDKIT_LOCK_WAIT": "1"})
    finally:
        os.close(fd)
    assert result.returncode == 2
    assert "another render of" in result.stderr and "another render is running" in result.stderr


def test_leftovers_of_a_killed_render_are_removed(project):
    (project / ".prd.md.a1b2c3d4.tmp").write_text("half")
    (project / ".prd.docx.zz9_xq1k.tmp").write_text("half")
    (project / ".acceptance-report.md.k2j4h5g6.tmp").write_text("half")
    (project / ".prdkit" / "staging-0123456789abcdef").mkdir()
    (project / ".prdkit" / "staging-0123456789abcdef" / "0").write_text("half")
    (project / ".notes.tmp").write_text("not ours")
    assert run_prdkit("render", project / "answers.yaml").returncode == 0
    assert not list(project.glob(".prd.*.tmp")) and not list(project.glob(".acceptance-*.tmp"))
    assert not list((project / ".prdkit").glob("staging-*"))
    assert (project / ".notes.tmp").read_text() == "not ours"


def test_killing_the_parent_stops_the_workers(made, tmp_path):
    files = []
    for i in range(12):
        shutil.copytree(made, tmp_path / f"f{i}")
        files.append(tmp_path / f"f{i}" / "answers.yaml")
    parent = subprocess.Popen([*PRDKIT, "render", *files], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not workers:
        try:
            workers = [int(p) for p in Path(f"/proc/{parent.pid}/task/{parent.pid}/children").read_text().split()]
        except OSError:
            break
        time.sleep(0.05)
    if not workers:
        parent.kill()
        pytest.skip("the render started no worker processes here (one core)")
    parent.kill()
    parent.wait()

    def alive(pid):
        try:
            return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] not in ("Z", "X")
        except OSError:
            return False

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers)


# ------------------------------------------------------------------ nothing a user wrote is lost


def test_a_revision_row_leaves_answers_yaml_as_the_pm_wrote_it(project):
    path = project / "answers.yaml"
    text = path.read_text(encoding="utf-8").replace("daily_requests: 12000", "daily_requests: 20000  # peak season, per Ops")
    text = "# Reviewed with Legal on Monday.\n" + text
    path.write_text(text, encoding="utf-8")
    result = run_prdkit("render", path)
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == text
    prd = (project / "prd.md").read_text(encoding="utf-8")
    assert "| v0.2 |" in prd and "Daily requests" in prd.split("## Revision history", 1)[1].split("## 1.", 1)[0]


def test_an_answers_file_with_its_own_revisions_still_loads_and_continues(project):
    path = project / "answers.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["revisions"] = [{"version": "v0.1", "date": "2026-01-05", "author": "Wen Li", "summary": "First draft"},
                         {"version": "v0.4", "date": "2026-02-01", "author": "Wen Li", "summary": "Older tool's row"}]
    data["answers"]["background"]["version"] = "v0.4"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert run_prdkit("render", path, "--force").returncode == 0
    change_answer(project, "daily_requests: 12000", "daily_requests: 13000")
    assert run_prdkit("render", path).returncode == 0
    prd = (project / "prd.md").read_text(encoding="utf-8")
    assert "Older tool's row" in prd and "| v0.5 |" in prd


def test_a_large_flow_style_answers_file_is_not_rewritten(project):
    path = project / "answers.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["answers"]["background"]["scope_out"] = [f"item {i}" for i in range(60000)]
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=10**9)
    path.write_text(text, encoding="utf-8")
    assert 500_000 < len(text.encode()) < 2 * 1024 * 1024
    result = run_prdkit("render", path, "--format", "md")
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == text
    assert run_prdkit("check", path).returncode in (0, 1)


def test_new_force_keeps_the_answers_it_replaces(project):
    path = project / "answers.yaml"
    mine = path.read_text(encoding="utf-8") + "# my notes\n"
    path.write_text(mine, encoding="utf-8")
    prd = project / "prd.md"
    prd.write_text(prd.read_text(encoding="utf-8") + "\nMy hand-written appendix.\n", encoding="utf-8")
    result = run_prdkit("new", project, "--preset", "agent-assistant", "--lang", "en", "--defaults", "--force")
    assert result.returncode == 0, result.stderr
    backups = list((project / ".prdkit" / "backups").glob("answers-*.yaml"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == mine
    assert "preset: agent-assistant" in path.read_text(encoding="utf-8")
    assert "My hand-written appendix." not in prd.read_text(encoding="utf-8") and "<<<<<<<" not in prd.read_text(encoding="utf-8")
    assert any("My hand-written appendix." in b.read_text(encoding="utf-8") for b in (project / ".prdkit" / "backups").glob("prd-*.md"))


def test_unresolved_markers_stop_the_render_and_never_reach_word(project):
    prd = project / "prd.md"
    prd.write_text(prd.read_text(encoding="utf-8").replace("| Daily requests | 12,000 requests/day |",
                                                           "| Daily requests | PM wording |"), encoding="utf-8")
    change_answer(project)
    first = run_prdkit("render", project / "answers.yaml")
    assert first.returncode == 1 and "<<<<<<<" in prd.read_text(encoding="utf-8")
    before = snapshot(project)
    second = run_prdkit("render", project / "answers.yaml")
    assert second.returncode == 1
    assert "still holds conflict markers" in second.stderr and "Scenario fit" in second.stderr
    assert snapshot(project) == before
    assert "<<<<<<<" not in docx_text(project / "prd.docx")
    forced = run_prdkit("render", project / "answers.yaml", "--force")
    assert forced.returncode == 0
    assert "<<<<<<<" not in prd.read_text(encoding="utf-8") and "<<<<<<<" not in docx_text(project / "prd.docx")
    assert any("<<<<<<<" in b.read_text(encoding="utf-8") for b in (project / ".prdkit" / "backups").glob("prd-*.md"))


def test_a_conflict_in_the_cover_table_is_named_in_words(project):
    prd = project / "prd.md"
    prd.write_text(prd.read_text(encoding="utf-8").replace("| Owner | Wen Li |", "| Owner | Wen Li (acting) |"), encoding="utf-8")
    change_answer(project, "owner: Wen Li", "owner: Li Wen")
    result = run_prdkit("render", project / "answers.yaml")
    assert result.returncode == 1
    assert "cover table: Owner" in result.stderr and "(top)" not in result.stderr


# ------------------------------------------------------------------ damaged files


def test_a_binary_prd_md_is_a_clear_error(project):
    (project / "prd.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    before = snapshot(project)
    result = run_prdkit("render", project / "answers.yaml")
    assert result.returncode == 2 and "prd.md: is not UTF-8 text" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(project) == before
    forced = run_prdkit("render", project / "answers.yaml", "--force")
    assert forced.returncode == 0
    assert any(b.read_bytes().startswith(b"\x89PNG") for b in (project / ".prdkit" / "backups").glob("prd-*.md"))


@pytest.mark.parametrize("name, content", [("prd.base.md", b"\xff\xfe\x00binary"), ("answers.base.yaml", b"answers: [unclosed\n"),
                                           ("answers.base.yaml", b"\xff\x00"), ("answers.base.yaml", b"- just\n- a list\n")])
def test_a_damaged_render_record_is_recovered(project, name, content):
    (project / ".prdkit" / name).write_bytes(content)
    (project / "prd.md").write_text((project / "prd.md").read_text(encoding="utf-8") + "\nMy closing note.\n", encoding="utf-8")
    result = run_prdkit("render", project / "answers.yaml")
    assert result.returncode == 0, result.stderr
    assert f"{name}: " in result.stderr and "ignored" in result.stderr
    kept = [(project / "prd.md").read_text(encoding="utf-8")] + \
           [b.read_text(encoding="utf-8") for b in (project / ".prdkit" / "backups").glob("prd-*.md")]
    assert any("My closing note." in text for text in kept)
    assert run_prdkit("render", project / "answers.yaml").returncode == 0


def test_a_damaged_history_is_a_clear_error(project):
    (project / ".prdkit" / "history.yaml").write_text("revisions: {not: a list}\n", encoding="utf-8")
    result = run_prdkit("render", project / "answers.yaml")
    assert result.returncode == 2 and "history.yaml" in result.stderr and "Traceback" not in result.stderr


# ------------------------------------------------------------------ usage


def test_an_empty_out_is_a_usage_error(project, tmp_path):
    result = run_prdkit("render", project / "answers.yaml", "--out", "", cwd=tmp_path)
    assert result.returncode == 2 and "--out" in result.stderr and "empty" in result.stderr
    assert list(tmp_path.iterdir()) == [project]


def test_a_folder_given_as_reference_docx_is_named_a_folder(project, tmp_path):
    result = run_prdkit("render", project / "answers.yaml", "--reference-docx", tmp_path)
    assert result.returncode == 2 and "is a folder" in result.stderr and "no such file" not in result.stderr


def test_a_failed_first_render_into_a_new_folder_leaves_nothing(project, tmp_path):
    pack = tmp_path / "pack" / "prd"
    pack.mkdir(parents=True)
    (pack / "prd.md.j2").write_text("# T\n{{ 1 / 0 }}\n", encoding="utf-8")
    out = tmp_path / "new-out"
    result = run_prdkit("render", project / "answers.yaml", "--out", out, "--templates", pack.parent)
    assert result.returncode == 2 and "division by zero" in result.stderr
    assert not out.exists()


def test_a_killed_render_leaves_whole_files_and_the_next_one_tidies_up(project):
    import zipfile

    old_prd = (project / "prd.md").read_bytes()
    for i, delay in enumerate((0.3, 0.6, 0.9, 1.2, 1.5)):
        change_answer(project, f"daily_requests: {12000 + i}", f"daily_requests: {12000 + i + 1}")
        child = subprocess.Popen([*PRDKIT, "render", project / "answers.yaml"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        child.kill()
        child.wait()
        for name in ("prd.docx", "launch-checklist.docx"):
            assert zipfile.ZipFile(project / name).testzip() is None
        prd = (project / "prd.md").read_text(encoding="utf-8")
        assert prd.startswith("# ") and prd.endswith("\n") and "<<<<<<<" not in prd
    result = run_prdkit("render", project / "answers.yaml")
    assert result.returncode == 0 and "conflict" not in result.stderr and "kept" not in result.stderr, result.stderr
    assert "12,005 requests/day" in (project / "prd.md").read_text(encoding="utf-8")
    assert (project / "prd.md").read_bytes() != old_prd
    assert not list((project / ".prdkit").glob("staging-*")) and not list(project.glob(".*.tmp"))


def test_rewriting_answers_keeps_the_old_file_and_stays_under_the_limit(project):
    from prdkit.answers import MAX_BYTES, load_answers
    from prdkit.generate import save_answers_kept

    path = project / "answers.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["answers"]["background"]["scope_out"] = [f"x{i % 100:02d}" for i in range(220000)]
    text = "# Agreed with Legal: keep the out-of-scope list long.\n" + \
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=10**9)
    path.write_text(text, encoding="utf-8")
    assert 600_000 < len(text.encode()) < MAX_BYTES
    assert len(load_answers(path).to_yaml().encode()) > MAX_BYTES  # block style alone would not fit
    answers = load_answers(path)
    answers.answers["cost"]["price_input"] = 1.9
    save_answers_kept(answers, path)  # what `prdkit edit` does after its questions
    saved = path.read_bytes()
    assert len(saved) <= MAX_BYTES and load_answers(path).answers["cost"]["price_input"] == 1.9
    assert len(load_answers(path).answers["background"]["scope_out"]) == 220000
    backups = list((project / ".prdkit" / "backups").glob("answers-*.yaml"))
    assert [b.read_text(encoding="utf-8") for b in backups] == [text]
