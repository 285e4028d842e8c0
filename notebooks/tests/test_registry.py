"""The suite registry (suites.json, contextlab.suites/1), on a fixture until the real file lands."""
import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]
import contextlab as lab  # noqa: E402
from contextlab import formats, registry  # noqa: E402

FIXTURE = os.path.join(HERE, "fixtures", "suites.json")
FIXTURE_SCHEMAS = os.path.join(HERE, "schema")


class RegistryTest(unittest.TestCase):
    def check(self, reg):
        notebooks = {n for n in os.listdir(os.path.dirname(HERE)) if n.endswith(".ipynb")}
        self.assertLessEqual(set(reg.notebooks()), notebooks)
        claims = lab.reference("claims")
        named = reg.claims()
        self.assertLessEqual(set(named), set(claims["id"]))
        for cid, suite in named.items():
            self.assertEqual(claims.set_index("id").loc[cid, "suite"], suite, cid)
        self.assertEqual(reg.suite_of("io.contextlab.syscalls.SyscallLoops.getppid"), "syscalls")

    def test_the_fixture(self):
        reg = registry.load(FIXTURE, FIXTURE_SCHEMAS)
        self.check(reg)
        self.assertEqual(reg.suite_of("io.contextlab.stbench.YieldSwitch.stRuntime"), "st")
        self.assertEqual(reg.entry("servers")["notebook"], "06-servers.ipynb")
        with self.assertRaisesRegex(KeyError, "no suite or step named 'nope'"):
            reg.entry("nope")

    @unittest.skipUnless(os.path.isfile(registry.PATH), "no suites.json at the repository root yet")
    def test_the_repository_s_registry(self):
        self.check(registry.load())

    def test_a_registry_of_another_version_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "suites.json")
            with open(FIXTURE) as f:
                data = json.load(f)
            with open(path, "w") as f:
                json.dump(dict(data, format="contextlab.suites/2"), f)
            with self.assertRaisesRegex(formats.FormatError, "contextlab.suites/2.*reads contextlab.suites/1"):
                registry.load(path)
            with self.assertRaisesRegex(FileNotFoundError, "no suite registry"):
                registry.load(os.path.join(tmp, "absent.json"))


if __name__ == "__main__":
    unittest.main()
