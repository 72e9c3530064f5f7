from django.core.management.base import BaseCommand, CommandError

from fugong.demo import build as demo


class Command(BaseCommand):
    help = "Build the Inner Mongolia demo from a seed number, replacing an earlier demo."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="the same seed gives the same data")
        parser.add_argument("--scale", type=float, default=1.0, help="a fraction of the full size, for quick tries")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when enterprises already exist")

    def handle(self, *args, seed, scale, if_empty, **options):
        if if_empty and demo.is_loaded():
            self.stdout.write("Enterprises already exist; the demo is left as it is.")
            return
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        self.stdout.write(f"Building the demo (seed {seed}, scale {scale:g}) …")
        result = demo.build(seed=seed, scale=scale)
        width = max(len(label) for label in result.counts)
        for label, count in result.counts.items():
            self.stdout.write(f"  {label:<{width}}  {count:>9,}")
        self.stdout.write(self.style.SUCCESS(f"Demo built in {result.seconds:.1f} s."))
