"""``sim run``: simulate days of listening sessions against botify or an in-process agent.

Ctrl-C or SIGTERM stops the run: its workers are stopped, the table and the
CSV keep the finished sessions with the day marked partial, and the exit
code is 130 (SIGINT) or 143 (SIGTERM).
"""

import sys


def configure(parser):
    parser.add_argument("--world", default="data", help="data folder made by `sim world` (default: data)")
    parser.add_argument("--episodes", type=int, default=1000, help="sessions per day (default: 1000)")
    parser.add_argument("--days", type=int, default=1, help="days to simulate (default: 1)")
    parser.add_argument("--first-day", type=int, default=0,
                        help="number of the first day; a later run continues with 1, 2... (default: 0)")
    parser.add_argument("--processes", type=int, default=1, help="parallel processes (default: 1)")
    parser.add_argument("--seed", type=int, default=0, help="traffic seed (default: 0)")
    parser.add_argument("--agent", default="remote", help="remote, random, sticky_artist, top_pop, "
                        "oracle, console or module:Class (default: remote)")
    parser.add_argument("--url", default="http://127.0.0.1:5000", help="botify URL for --agent remote")
    parser.add_argument("--csv", help="write one row of stats per episode to this CSV file")
    parser.add_argument("--config", help="listener config JSON (cap, fatigue, churn, hype, drift...)")
    for flag, text in [("churn", "users may leave for good after bad sessions"),
                       ("hype", "a few random tracks get a daily appeal boost"),
                       ("drift", "track appeal drifts from day to day")]:
        parser.add_argument(f"--{flag}", action="store_true", help=text)
    parser.add_argument("--interactive", action="store_true", help="ask before starting each next day")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def run(args):
    from sim.api import write_episodes_csv
    from sim.config import load_config
    from sim.interrupts import exit_code
    from sim.report import day_table
    from sim.runner import run_days
    from sim.world import load_world

    config = load_config(args.config, churn=args.churn, hype=args.hype, drift=args.drift)
    world = load_world(args.world) if args.processes == 1 else args.world
    if args.processes > 1:
        load_world(args.world)  # fail here, in one line, rather than in every worker
    results = run_days(
        world, args.agent, args.episodes, args.days, args.processes, args.seed, args.url, config,
        progress=not args.quiet and args.agent != "console",
        between_days=_ask_between_days if args.interactive else None, first_day=args.first_day,
    )
    print(day_table(results))
    if args.csv:
        print(f"episodes: {write_episodes_csv(results, args.csv)} rows -> {args.csv}")
    interrupted = results[-1] if results and results[-1].interrupted else None
    if interrupted:
        _say_interrupted(interrupted)
        return exit_code(interrupted.interrupted)
    return 1 if any(result.stopped for result in results) else 0


def _say_interrupted(day):
    if day.partial:
        kept = (f"kept the {len(day.rows)} finished sessions of day {day.day} (of {day.planned}), "
                "marked partial")
    else:
        kept = f"day {day.day} had ended; its {len(day.rows)} sessions are kept"
    print(f"sim run: interrupted by {day.interrupted}; {kept}", file=sys.stderr)


def _ask_between_days(day):
    answer = input(f"start day {day}? [Enter = yes, q = stop] ").strip().lower()
    return answer not in {"q", "quit", "n", "no"}
