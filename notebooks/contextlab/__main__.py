"""python3 -m contextlab <command> [args]: the analysis commands the Java CLI hands over.

    report [RUN ...] [--out DIR] [--only NB,...] [--jobs N]   execute the notebooks into RUN/report/
    compare RUN_A RUN_B [RUN_C ...] [--out DIR]               compare.json (contextlab.compare/1), compare.html
"""
import sys

COMMANDS = ("report", "compare")


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "report":
        from . import report
        return report.main(rest)
    if command == "compare":
        from . import compare
        return compare.main(rest)
    print(f"contextlab: no command {command!r} (have: {', '.join(COMMANDS)})", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
