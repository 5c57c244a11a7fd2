"""A sample lake: CIFAR-10-style image training data plus tables of other shapes.

`cifar10/` holds 32x32 RGB images as PNG-less raw bytes with labels, split by hive partition
`split=train|test`; `events/` is partitioned by date; `customers/` is flat with decimals,
timestamps with zone, dictionaries and nested fields; `sensor_readings/` has schema drift.
"""

from __future__ import annotations

import datetime as dt
import decimal
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

CIFAR_LABELS = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
)


def _cifar(rng: random.Random, rows: int, start: int) -> pa.Table:
    return pa.table(
        {
            "id": pa.array(range(start, start + rows), pa.int64()),
            "image": pa.array([rng.randbytes(32 * 32 * 3) for _ in range(rows)], pa.binary()),
            "label": pa.array([rng.randrange(10) for _ in range(rows)], pa.int8()),
            "label_name": pa.array(
                [CIFAR_LABELS[rng.randrange(10)] for _ in range(rows)]
            ).dictionary_encode(),
        }
    )


def _events(rng: random.Random, day: dt.date, rows: int) -> pa.Table:
    base = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    return pa.table(
        {
            "event_id": pa.array([f"{day:%Y%m%d}-{i:05d}" for i in range(rows)]),
            "at": pa.array(
                [base + dt.timedelta(seconds=rng.randrange(86400)) for _ in range(rows)],
                pa.timestamp("us", tz="UTC"),
            ),
            "kind": pa.array([rng.choice(["view", "click", "buy"]) for _ in range(rows)]),
            "value": pa.array(
                [rng.random() * 100 if rng.random() > 0.1 else None for _ in range(rows)],
                pa.float64(),
            ),
        }
    )


def _customers(rng: random.Random, rows: int) -> pa.Table:
    return pa.table(
        {
            "customer_id": pa.array(range(rows), pa.int32()),
            "name": pa.array([f"customer {i}" for i in range(rows)]),
            "balance": pa.array(
                [decimal.Decimal(rng.randrange(-10000, 1000000)) / 100 for _ in range(rows)],
                pa.decimal128(12, 2),
            ),
            "joined": pa.array(
                [dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(1500)) for _ in range(rows)],
                pa.date32(),
            ),
            "address": pa.array(
                [{"city": rng.choice(["Oslo", "Lima", "Pune"]), "zip": f"{i:05d}"} for i in range(rows)],
                pa.struct([("city", pa.string()), ("zip", pa.string())]),
            ),
            "segments": pa.array([["a", "b"][: rng.randrange(3)] for _ in range(rows)], pa.list_(pa.string())),
        }
    )


def _sensors(rng: random.Random, rows: int, with_humidity: bool, temp_type: pa.DataType) -> pa.Table:
    columns = {
        "sensor": pa.array([f"s{rng.randrange(20)}" for _ in range(rows)]),
        "temperature": pa.array([rng.randrange(-20, 40) for _ in range(rows)], temp_type),
    }
    if with_humidity:
        columns["humidity"] = pa.array([rng.random() for _ in range(rows)], pa.float32())
    return pa.table(columns)


def generate_sample_lake(root: Path, *, seed: int = 7, scale: int = 1) -> Path:
    """Write the sample lake under `root` (created) and return it. Deterministic for a seed."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for split, parts, rows in (("train", 5, 200 * scale), ("test", 1, 200 * scale)):
        folder = root / "cifar10" / f"split={split}"
        folder.mkdir(parents=True, exist_ok=True)
        for part in range(parts):
            pq.write_table(_cifar(rng, rows, part * rows), folder / f"part-{part:05d}.parquet",
                           compression="zstd")
    for offset in range(3):
        day = dt.date(2026, 11, 1) + dt.timedelta(days=offset)
        folder = root / "events" / f"date={day.isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(_events(rng, day, 500 * scale), folder / "part-00000.parquet",
                       compression="snappy", row_group_size=200)
    customers = root / "crm" / "customers"
    customers.mkdir(parents=True, exist_ok=True)
    pq.write_table(_customers(rng, 300 * scale), customers / "part-00000.parquet", compression="gzip")
    sensors = root / "sensor_readings"
    sensors.mkdir(parents=True, exist_ok=True)
    pq.write_table(_sensors(rng, 100, False, pa.int32()), sensors / "part-00000.parquet")
    pq.write_table(_sensors(rng, 100, True, pa.int64()), sensors / "part-00001.parquet")
    (sensors / "_SUCCESS").write_bytes(b"")
    return root
