"""The run committed on 2026-11-22 in the legacy format (metadata "format": 1), taken from git
history: commit 744622c, datasets/runs/20261122T163714Z-vm."""
import os
import shutil
import subprocess
import tempfile
import unittest

from contextlab import formats

COMMIT = "744622c"
RUN = "datasets/runs/20261122T163714Z-vm"
_extracted = {}


def legacy_run():
    """The run's directory, extracted once per process into a temporary directory (removed at exit);
    unittest.SkipTest with the reason when git or the commit is not available."""
    if "path" in _extracted:
        return _extracted["path"]
    if not shutil.which("git"):
        raise unittest.SkipTest("git is not installed: the 2026-11-22 run is taken from git history")
    tmp = tempfile.mkdtemp(prefix="contextlab-legacy-")
    archive = subprocess.run(["git", "-C", formats.REPO, "archive", COMMIT, RUN], capture_output=True)
    if archive.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise unittest.SkipTest(f"git history not available (git archive {COMMIT} {RUN}: "
                                f"{archive.stderr.decode(errors='replace').strip()[:200]})")
    subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
    import atexit
    atexit.register(shutil.rmtree, tmp, True)
    _extracted["path"] = os.path.join(tmp, RUN)
    return _extracted["path"]
