"""The suite registry, `suites.json` at the repository root (contextlab.suites/1): each suite's
package, JMH settings, outside reference, notebook and claims, and the extra steps. The Java CLI
(io.contextlab.lab.SuiteRegistry) reads the same file; nothing else parses suites."""
import os

from . import formats

PATH = os.path.join(formats.REPO, "suites.json")


class Registry:
    def __init__(self, data, path):
        self.path = path
        self.suites = list(data.get("suites") or [])
        self.steps = list(data.get("steps") or [])

    def entries(self):
        """Suites then steps: every name a run's metadata may list."""
        return self.suites + self.steps

    def entry(self, name):
        found = [e for e in self.entries() if e.get("name") == name]
        if not found:
            raise KeyError(f"{self.path}: no suite or step named {name!r} "
                           f"(have: {', '.join(e.get('name') for e in self.entries())})")
        return found[0]

    def notebooks(self):
        """The notebooks the registry names, each once, in registry order."""
        return list(dict.fromkeys(e["notebook"] for e in self.entries() if e.get("notebook")))

    def claims(self):
        """{claim id: suite or step name} for every claim the registry names."""
        return {c: e["name"] for e in self.entries() for c in e.get("claims") or []}

    def suite_of(self, benchmark):
        """The suite whose package holds a benchmark (io.contextlab.<package>.Class.method), or None."""
        for s in self.suites:
            if benchmark.startswith(s.get("package", "\0") + "."):
                return s["name"]
        return None


def load(path=None, schema_dir=None):
    """The registry (checked against suites.v1's schema when it exists); FileNotFoundError when absent."""
    path = path or PATH
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no suite registry at {os.path.relpath(path)}: it is written with the Java CLI "
                                "(suites.json at the repository root)")
    data, _ = formats.read_record("suites", path, schema_dir)
    return Registry(data, path)
