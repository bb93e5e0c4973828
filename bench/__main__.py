"""Run every benchmark and print Markdown tables (`make bench`; results also go to bench/results/)."""
import os
import sys

from bench.harness import setup_django


def main():
    setup_django()
    from bench import scenario  # pylint: disable=import-outside-toplevel

    sections = []
    wanted = set(sys.argv[1:]) or {"scenario", "analytics", "needs", "studio", "scale", "roadmap"}
    if "scenario" in wanted:
        _, markdown = scenario.run()
        sections.append("## Scenario exercise vs branching-xblock\n\n" + markdown)
    if "analytics" in wanted:
        from bench import scenario_analytics  # pylint: disable=import-outside-toplevel
        sections.append("## Scenario analytics (staff report)\n\n" + scenario_analytics.run())
    if "needs" in wanted:
        from bench import needs  # pylint: disable=import-outside-toplevel
        sections.append("## Needs assessment\n\n" + needs.run())
    if "studio" in wanted:
        from bench import studio_editor  # pylint: disable=import-outside-toplevel
        sections.append("## Studio map editor, 150 steps\n\n" + studio_editor.run()[1])
    if "scale" in wanted:
        from bench import editor_scale  # pylint: disable=import-outside-toplevel
        sections.append("## Studio map editor at scale\n\n" + editor_scale.run()[1])
    if "roadmap" in wanted:
        from bench import roadmap  # pylint: disable=import-outside-toplevel
        sections.append("## Regional training-needs roadmap\n\n" + roadmap.run())
    report = "\n\n".join(sections) + "\n"
    print(report)
    os.makedirs("bench/results", exist_ok=True)
    with open("bench/results/latest.md", "w", encoding="utf-8") as handle:
        handle.write(report)


if __name__ == "__main__":
    main()
