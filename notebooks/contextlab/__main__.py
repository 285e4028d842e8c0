"""python3 -m contextlab <command> [args]: the analysis commands the Java CLI hands over.

    claims [RUN ...]                                          write RUN/claims.json (contextlab.claims/1)
    report [RUN ...] [--out DIR] [--only NB,...] [--jobs N]   claims.json, then the notebooks into RUN/report/
    compare RUN_A RUN_B [RUN_C ...] [--out DIR]               compare.json (contextlab.compare/1), compare.html
"""
import sys

COMMANDS = ("claims", "report", "compare")


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "claims":
        from . import report
        return report.claims_main(rest)
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
