"""Claim: search + filter + one page of a 20,000-item inventory answers within the targets
(issue 3 "Performance"): service p95 <= 20 ms, API p95 <= 40 ms, and only one page of rows
leaves the server.

Seeds PostgreSQL with a realistic catalogue (8 categories, their subcategories, brand/model
names, descriptions, mixed statuses and consumables, asset codes `AUD-00042`), then for each
query shape prints p50/p95 of
- `list_equipment()` (the service: permission check, count, join, allow-listed sort, search),
- `GET /api/equipment` over real HTTP (a uvicorn process serving `create_api()`, keep-alive
  client, bearer token),
beside the floor: the very statements the service sent (captured once) replayed on a raw
driver connection, and the ratios. Also prints how many rows each answer carries.

Usage: .venv/bin/python bench/inventory.py [DATABASE_URL] [--items 20000] [--runs 200]
       [--explain]
Default database: postgresql+psycopg://postgres@127.0.0.1:5432/avrentals_bench_inventory
(recreated).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("APP_ENV", "test")
os.environ.setdefault("JWT_SECRET", "bench-" + "x" * 40)

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session

from avrentals import migrations
from avrentals.db import captured_statements, make_engine
from avrentals.domain.enums import EquipmentType, Role
from avrentals.domain.models import Category, EquipmentItem, Subcategory, User
from avrentals.domain.pagination import PageRequest
from avrentals.domain.services.auth import actor_of, issue_token
from avrentals.domain.services.equipment import derive_status, list_equipment
from bench.timing import measure, report

ROOT = Path(__file__).resolve().parents[1]
SERVICE_P95_MS = 20.0
API_P95_MS = 40.0
PAGE_SIZE = 20
DEEP_PAGE = 500  # rows 9,981-10,000 of the name order

# category -> (asset prefix, {subcategory: [(brand, model, noun), ...]})
CATALOGUE: dict[str, tuple[str, dict[str, list[tuple[str, str, str]]]]] = {
    "Audio": (
        "AUD",
        {
            "Microphones": [
                ("Shure", "SM58", "Vocal Microphone"),
                ("Shure", "Beta 91A", "Kick Drum Microphone"),
                ("Sennheiser", "e935", "Dynamic Microphone"),
                ("Neumann", "KM 184", "Condenser Microphone"),
                ("DPA", "4099", "Instrument Microphone"),
            ],
            "Wireless": [
                ("Shure", "ULXD24/B58", "Wireless Handheld Mic Kit"),
                ("Sennheiser", "EW-DX 835", "Wireless Vocal Set"),
                ("Shure", "PSM 1000", "In-Ear Monitor System"),
            ],
            "Speakers": [
                ("d&b audiotechnik", "Y10P", "Point Source Loudspeaker"),
                ("L-Acoustics", "KARA II", "Line Array Speaker"),
                ("RCF", "HDL 30-A", "Active Line Array Module"),
                ("QSC", "KS212C", "Cardioid Subwoofer"),
            ],
            "Mixers": [
                ("Yamaha", "CL5", "Digital Mixing Console"),
                ("Allen & Heath", "dLive S5000", "Mixing Surface"),
                ("DiGiCo", "SD12", "Digital Mixer"),
                ("Behringer", "X32 Compact", "Digital Mixer"),
            ],
            "Stageboxes": [
                ("Yamaha", "Rio3224-D2", "Dante Stagebox"),
                ("Radial", "J48", "Active DI Box"),
            ],
        },
    ),
    "Video": (
        "VID",
        {
            "Projectors": [
                ("Panasonic", "PT-RZ21K", "Laser Projector 20,000 lm"),
                ("Epson", "EB-PU2220B", "Laser Projector 20,000 lm"),
                ("Barco", "UDX-4K32", "4K Projector"),
            ],
            "LED Walls": [
                ("ROE Visual", "Black Pearl BP2V2", "LED Panel 2.8 mm"),
                ("Absen", "PL2.5 Pro", "Indoor LED Tile"),
            ],
            "Cameras": [
                ("Sony", "PXW-Z190", "Camcorder"),
                ("Blackmagic", "URSA Broadcast G2", "Broadcast Camera"),
                ("Panasonic", "AW-UE150", "PTZ Camera"),
            ],
            "Switchers": [
                ("Blackmagic", "ATEM Constellation 8K", "Production Switcher"),
                ("Roland", "V-160HD", "Streaming Video Switcher"),
                ("Barco", "E2 Gen 2", "Screen Management System"),
            ],
            "Monitors": [
                ("Samsung", "QM55R", "55in Display"),
                ("LG", "86UL3J", "86in Signage Display"),
            ],
        },
    ),
    "Lighting": (
        "LGT",
        {
            "Moving Heads": [
                ("Robe", "MegaPointe", "Moving Head Beam/Spot"),
                ("Martin", "MAC Aura XB", "Moving Head Wash"),
                ("Clay Paky", "Sharpy Plus", "Hybrid Moving Head"),
                ("Chauvet", "Maverick Storm 1 Wash", "IP65 Moving Wash"),
            ],
            "LED Pars": [
                ("Chauvet", "COLORado 1-Quad Zoom", "LED Par"),
                ("ADJ", "12PX HEX", "LED Par Can"),
                ("Astera", "AX5 TriplePAR", "Battery Uplighter"),
            ],
            "Consoles": [
                ("MA Lighting", "grandMA3 light", "Lighting Console"),
                ("ETC", "Ion Xe 20", "Lighting Console"),
                ("Avolites", "Quartz", "Lighting Desk"),
            ],
            "Effects": [
                ("MDG", "theONE", "Atmosphere Generator"),
                ("Look Solutions", "Unique 2.1", "Hazer"),
                ("Antari", "Z-1500 II", "Fog Machine"),
            ],
        },
    ),
    "Power": (
        "PWR",
        {
            "Distribution": [
                ("Powerbox", "63A 3-Phase", "Power Distro"),
                ("Lex", "PowerMaster 32A", "Distribution Rack"),
            ],
            "Generators": [("Atlas Copco", "QAS 60", "Silent Generator 60 kVA")],
            "Mains Cables": [
                ("Titanex", "H07RN-F 5G6", "CEE 63A Extension Cable"),
                ("Titanex", "H07RN-F 3G2.5", "Schuko Extension Cable"),
            ],
        },
    ),
    "Rigging": (
        "RIG",
        {
            "Truss": [
                ("Prolyte", "H30V", "Box Truss 3 m"),
                ("Eurotruss", "FD34", "Square Truss 2 m"),
                ("Prolyte", "B100RV", "Ground Support Tower"),
            ],
            "Motors": [
                ("CM Lodestar", "1T D8+", "Chain Hoist"),
                ("Liftket", "Star 500 kg", "Electric Chain Hoist"),
            ],
            "Hardware": [
                ("Doughty", "T58100", "Half Coupler Clamp"),
                ("Global Truss", "Round Slings 2 t", "Polyester Round Sling"),
            ],
        },
    ),
    "Staging": (
        "STG",
        {
            "Decks": [
                ("Litedeck", "8x4", "Stage Deck"),
                ("Prolyte", "StageDex 2x1", "Stage Platform"),
            ],
            "Risers": [("Nivtec", "Drum Riser 2x2", "Rolling Riser")],
            "Steps": [("Litedeck", "3-Step", "Stage Stairs")],
        },
    ),
    "Cables": (
        "CAB",
        {
            "Audio Cables": [
                ("Klotz", "M1 XLR 10 m", "Microphone Cable"),
                ("Neutrik", "NL4 Speakon 15 m", "Speaker Cable"),
            ],
            "Video Cables": [
                ("Canare", "L-5CFB 3G-SDI 50 m", "SDI Cable"),
                ("Kramer", "HDMI 2.0 10 m", "HDMI Cable"),
            ],
            "Data Cables": [
                ("Sommer", "DMX 5-pin 10 m", "DMX Cable"),
                ("Neutrik", "etherCON Cat6 30 m", "Network Cable"),
            ],
        },
    ),
    "Accessories": (
        "ACC",
        {
            "Stands": [
                ("K&M", "210/9", "Microphone Boom Stand"),
                ("Manfrotto", "Wind-Up 087", "Lighting Stand"),
            ],
            "Cases": [("Thon", "Roadcase 120x60", "Flight Case")],
            "Consumables": [
                ("Le Mark", "Pro Gaff 50 mm", "Gaffer Tape Black"),
                ("Duracell", "Procell AA", "Batteries 24 pack"),
                ("Rosco", "Supergel 26", "Colour Filter Sheet"),
            ],
        },
    ),
}
USES = [
    "corporate conferences",
    "touring concerts",
    "theatre productions",
    "weddings and private events",
    "festival stages",
    "broadcast and live streaming",
    "product launches",
    "outdoor events",
]
CONDITIONS = ["Serviced", "Road tested", "Checked", "Cleaned and tested", "Recently calibrated"]
EXTRAS = [
    "Comes in a padded case with power cable",
    "Includes rain cover",
    "Spare parts kit in the case",
    "Supplied with clamps and safety bond",
    "Firmware updated this season",
    "Labelled for quick prep",
]
LOCATIONS = [f"Aisle {a} · Shelf {s}" for a in "ABCDEFGH" for s in range(1, 7)] + ["Van bay"]


def recreate(url: str) -> None:
    target = make_url(url)
    admin = make_engine(
        target.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    migrations.upgrade(url)


def seed(engine: sa.Engine, items: int) -> None:
    """The catalogue above, products spread over the subcategories; each line gets a serial
    suffix, a generated description, a location and a condition mix (about 90 % all good,
    the rest with damaged or maintenance units); consumables rent at 0."""
    rng = random.Random(42)
    with Session(engine) as s:
        products: list[tuple[Category, str, Subcategory, tuple[str, str, str]]] = []
        for position, (cat_name, (prefix, subs)) in enumerate(CATALOGUE.items()):
            cat = Category(name=cat_name, position=position)
            s.add(cat)
            s.flush()
            for sub_name, models in subs.items():
                sub = Subcategory(name=sub_name, category_id=cat.id)
                s.add(sub)
                s.flush()
                products += [(cat, prefix, sub, model) for model in models]
        counters: dict[str, int] = {}
        rows = []
        for n in range(items):
            cat, prefix, sub, (brand, model, noun) = products[n % len(products)]
            counters[prefix] = counters.get(prefix, 0) + 1
            consumable = sub.name == "Consumables"
            quantity = rng.choice([1, 2, 4, 6, 8, 12, 20, 50]) * (10 if consumable else 1)
            damaged = maintenance = 0
            roll = rng.random()
            if roll < 0.05 and quantity > 1:
                damaged = 1
            elif roll < 0.10 and quantity > 1:
                maintenance = 1
            good = quantity - damaged - maintenance
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "name": f"{brand} {model} {noun} #{n // len(products) + 1}",
                    "description": (
                        f"{noun} for {rng.choice(USES)}. {rng.choice(CONDITIONS)}; "
                        f"{rng.choice(EXTRAS).lower()}."
                    ),
                    "category_id": cat.id,
                    "subcategory_id": sub.id,
                    "item_type": EquipmentType.CONSUMABLE
                    if consumable
                    else EquipmentType.EQUIPMENT,
                    "quantity": quantity,
                    "qty_good": good,
                    "qty_damaged": damaged,
                    "qty_maintenance": maintenance,
                    "status": derive_status(good, damaged, maintenance),
                    "location": rng.choice(LOCATIONS),
                    "daily_rate": Decimal(0) if consumable else Decimal(rng.randint(5, 900)),
                    "asset_code": f"{prefix}-{counters[prefix]:05d}",
                }
            )
        s.add(
            User(
                id=uuid.uuid4(), username="bench", name="Bench", password_hash="x", role=Role.VIEWER
            )
        )
        s.commit()
    with engine.begin() as conn:
        conn.execute(sa.insert(EquipmentItem), rows)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def api_server(url: str) -> Iterator[str]:
    """`create_api()` served by uvicorn in its own process on a free port."""
    port = free_port()
    # The per-user API limit (100/min) would turn the repeated runs into 429s: off here.
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": "", "RATE_LIMIT_API_PER_MINUTE": "0"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "avrentals.api.app:create_api",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the API server did not start")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "url",
        nargs="?",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/avrentals_bench_inventory",
    )
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument(
        "--explain", action="store_true", help="also print EXPLAIN ANALYZE of each shape"
    )
    args = parser.parse_args()
    if make_url(args.url).get_backend_name() != "postgresql":
        raise SystemExit("this bench measures PostgreSQL")
    started = time.perf_counter()
    recreate(args.url)
    engine = make_engine(args.url)
    seed(engine, args.items)
    print(f"seeded {args.items} items in {time.perf_counter() - started:.1f} s")
    with Session(engine) as s:
        user = s.exec(sa.select(User).where(User.username == "bench")).scalar_one()  # type: ignore[call-overload]
        audio = s.exec(sa.select(Category).where(Category.name == "Audio")).scalar_one()  # type: ignore[call-overload]
        probe = s.exec(
            sa.select(EquipmentItem.asset_code).order_by(EquipmentItem.asset_code).offset(7777)  # type: ignore[call-overload]
        ).scalar()
    actor = actor_of(user)
    token = issue_token(user, os.environ["JWT_SECRET"])

    # label -> (service keyword arguments, page)
    shapes: list[tuple[str, dict[str, Any], int]] = [
        ("no search, page 1", {}, 1),
        ("search 'm' (first keystroke)", {"search": "m"}, 1),
        ("search 'mic' (prefix)", {"search": "mic"}, 1),
        ("search 'shure beta'", {"search": "shure beta"}, 1),
        (f"search asset code {probe}", {"search": probe}, 1),
        ("search '0042' (code part)", {"search": "0042"}, 1),
        ("filter Audio + damaged", {"category_id": audio.id, "status": "damaged"}, 1),
        (
            "search 'mic' + Audio + good",
            {"search": "mic", "category_id": audio.id, "status": "good"},
            1,
        ),
        (f"no search, page {DEEP_PAGE}", {}, DEEP_PAGE),
        ("search 'cable', page 20", {"search": "cable"}, 20),
    ]
    params_of = {"search": "search", "category_id": "categoryId", "status": "status"}
    raw = engine.raw_connection()
    cursor = raw.cursor()
    worst_service = worst_api = 0.0
    print(
        f"{args.items} items on PostgreSQL; {PAGE_SIZE} rows per page; {args.runs} runs each; "
        f"targets: service p95 <= {SERVICE_P95_MS:.0f} ms, API p95 <= {API_P95_MS:.0f} ms"
    )
    with (
        api_server(args.url) as base,
        httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http,
    ):
        for label, kwargs, page in shapes:

            def service(kwargs: dict[str, Any] = kwargs, page: int = page) -> Any:
                with Session(engine) as s:
                    return list_equipment(s, actor, PageRequest(page, PAGE_SIZE), **kwargs)

            with captured_statements(engine) as sent:
                answer = service()

            def floor(sent: list[tuple[str, Any]] = sent) -> None:
                for statement, params in sent:
                    cursor.execute(statement, params)
                    cursor.fetchall()
                raw.rollback()

            query = {params_of[k]: str(v) for k, v in kwargs.items()}
            query.update(page=str(page), pageSize=str(PAGE_SIZE))

            def api(query: dict[str, str] = query) -> Any:
                response = http.get("/api/equipment", params=query)
                response.raise_for_status()
                return response

            if args.explain:
                for statement, params in sent:
                    cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + statement, params)
                    print(f"\n-- plan: {label}\n" + "\n".join(r[0] for r in cursor.fetchall()))
                raw.rollback()
            body = api().json()
            # Only one page ever leaves the server, whatever the size of the match.
            assert len(answer.items) <= PAGE_SIZE, label
            assert len(body["data"]) == len(answer.items), (label, body["pagination"])
            floor_result = measure(floor, runs=args.runs)
            service_result = measure(service, runs=args.runs)
            api_result = measure(api, runs=args.runs)
            worst_service = max(worst_service, service_result["p95"])
            worst_api = max(worst_api, api_result["p95"])
            print(
                f"\n{label}: {len(answer.items)} rows returned of {answer.total} matching "
                f"({len(api().content):,} bytes over HTTP)"
            )
            report("  service list_equipment()", service_result, floor_result)
            report("  GET /api/equipment", api_result, floor_result)
    cursor.close()
    raw.close()
    engine.dispose()
    verdict = "OK" if worst_service <= SERVICE_P95_MS and worst_api <= API_P95_MS else "MISSED"
    print(
        f"\nworst p95: service {worst_service:.2f} ms (target {SERVICE_P95_MS:.0f}), "
        f"API {worst_api:.2f} ms (target {API_P95_MS:.0f}) -> {verdict}"
    )


if __name__ == "__main__":
    main()
