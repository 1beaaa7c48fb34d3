"""Week 1's A/B analysis as a Spark job: the same code on a laptop and on a cluster.

    spark-submit --master "local[2]" ab_job.py --logs ../../log/week6/large --experiment STICKY_ARTIST

On a cluster only the command changes (seminar 6, section 8): ``--master yarn``
(or ``k8s://...``), executors and their memory, the package shipped with
``--py-files``, and ``--logs`` pointing at shared storage (``s3a://...``, ``hdfs://...``).
"""

import argparse
import warnings

from pyspark.sql import SparkSession

from botify.analysis import spark_ab
from botify.analysis.reporting import format_table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logs", required=True, help="a folder of botify's events*.jsonl files")
    parser.add_argument("--experiment", required=True)
    args = parser.parse_args()
    # pandas is not used here
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
    # --master decides where
    spark = SparkSession.builder.appName(f"botify-ab-{args.experiment}").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    sessions = spark_ab.sessionize(spark_ab.read_events(spark, args.logs), args.experiment)
    table = spark_ab.effects(spark_ab.user_metrics(sessions))
    print(f"{args.experiment} on {spark.sparkContext.master} ({spark.sparkContext.defaultParallelism} cores)")
    print(format_table(table))
    spark.stop()


if __name__ == "__main__":
    main()
