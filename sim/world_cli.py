"""``sim world``: generate the seeded world (public catalog + hidden truth) into a data folder."""


def configure(parser):
    parser.add_argument("--out", default="data", help="data folder to write (default: data)")
    parser.add_argument("--seed", type=int, default=31337, help="world seed (default: 31337)")
    parser.add_argument("--tracks", type=int, default=50_000, help="catalog size (default: 50000)")
    parser.add_argument("--users", type=int, default=10_000, help="number of listeners (default: 10000)")


def run(args):
    from tqdm import tqdm

    from sim.generator import check_sizes, generate_world
    from sim.world import save_world

    check_sizes(args.tracks, args.users)  # before the progress bar shows
    with tqdm(total=5, desc="world", unit="stage", leave=False) as stages:

        def advance(name):
            stages.set_postfix_str(name)
            stages.update(1)

        world = generate_world(args.seed, args.tracks, args.users, progress=advance)
        advance("writing")
        save_world(world, args.out)
    manifest = world.manifest
    print(
        f"world: {manifest['tracks']} tracks by {manifest['artists']} artists "
        f"in {manifest['genres']} genres, "
        f"{manifest['users']} listeners, seed {manifest['seed']} -> {args.out}/catalog, {args.out}/world"
    )
    return 0
