"""Command line: `python -m rtcm_xblocks.starter_course [path | extract DIR --course-key K --language L]`."""
import argparse
import sys

from rtcm_xblocks.starter_course import DEFAULT_COURSE_KEY, StarterCourseError, extract, tarball


def main(argv=None):
    """Print the tarball's path, or unpack the course into DIR and print the course folder's name."""
    parser = argparse.ArgumentParser(prog="python -m rtcm_xblocks.starter_course", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("path", help="print the path of the course tarball")
    unpack = commands.add_parser("extract", help="unpack the course for `./manage.py cms import DIR FOLDER`")
    unpack.add_argument("directory", help="the data directory to unpack into")
    unpack.add_argument("--course-key", default=DEFAULT_COURSE_KEY, help="course-v1:ORG+COURSE+RUN")
    unpack.add_argument("--language", default="en", help="the course's language code (en, ru, fa, …)")
    args = parser.parse_args(argv)
    try:
        if args.command == "path":
            print(tarball())
        else:
            print(extract(args.directory, args.course_key, args.language))
    except StarterCourseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
