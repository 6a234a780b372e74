"""Equipment photos (services.equipment_images + media_store) on SQLite and PostgreSQL:
accepted types re-encoded with a thumbnail, everything else refused from the content with
nothing written, metadata stripped, permissions, versions, audit and the change bus."""

from __future__ import annotations

import hashlib
import io
import uuid
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from avrentals.db import transaction
from avrentals.domain import changes, media_store
from avrentals.domain.enums import Role
from avrentals.domain.errors import Forbidden, NotFound, ValidationFailed, VersionConflict
from avrentals.domain.models import AuditLog, EquipmentItem
from avrentals.domain.permissions import Actor
from avrentals.domain.services import equipment as equipment_service
from avrentals.domain.services.equipment_images import (
    image_urls,
    remove_equipment_image,
    set_equipment_image,
)
from tests.factories import make_actor, make_item
from tests.inventory_factories import CommitCheckingBus


def picture(fmt: str, size: tuple[int, int] = (1200, 800), **save: object) -> bytes:
    """A real image with some structure (two colours), so scaling shows in the output."""
    image = Image.new("RGB", size, (200, 40, 40))
    image.paste((20, 90, 200), (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def stored_files() -> set[str]:
    folder = media_store.media_dir()
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def saved(engine: Engine, item_id: uuid.UUID) -> EquipmentItem:
    with Session(engine) as s:
        item = s.get(EquipmentItem, item_id)
        assert item is not None
        return item


def upload(engine: Engine, actor: Actor, item_id: uuid.UUID, data: bytes, **kw: object):
    with transaction(engine) as s:
        return set_equipment_image(s, actor, item_id, data, **kw)  # type: ignore[arg-type]


@pytest.fixture
def manager(engine: Engine) -> Actor:
    return make_actor(engine, Role.MANAGER)


def media_path(name: str) -> Path:
    return media_store.media_dir() / name


@pytest.mark.parametrize(
    ("fmt", "ext", "ctype"),
    [("JPEG", "jpg", "image/jpeg"), ("PNG", "png", "image/png"), ("WEBP", "webp", "image/webp")],
)
def test_accepted_types_are_stored_with_a_scaled_photo_and_a_thumbnail(
    engine: Engine, manager: Actor, fmt: str, ext: str, ctype: str
) -> None:
    item = make_item(engine)
    saved_item = upload(engine, manager, item.id, picture(fmt, (3200, 1800)))
    name = saved_item.image
    assert name is not None and media_store.STORED_NAME_RE.match(name)
    assert name.endswith("." + ext)
    assert saved_item.version == item.version + 1
    with Image.open(media_path(name)) as full:
        assert full.format == fmt and full.size == (1600, 900)
    thumb_name = name.replace("." + ext, "-thumb." + ext)
    with Image.open(media_path(thumb_name)) as thumb:
        assert thumb.format == fmt and thumb.size == (400, 225)
    assert media_store.open_media(name) == (media_path(name), ctype)
    # The stored name is the sha256 of the stored photo: content-addressed, not guessable.
    assert name.split(".")[0] == hashlib.sha256(media_path(name).read_bytes()).hexdigest()
    full_url, thumb_url = image_urls(name)
    assert full_url == f"/api/media/equipment/{name}"
    assert thumb_url == f"/api/media/equipment/{thumb_name}"
    with Session(engine) as s:
        row = equipment_service.get_equipment_row(s, manager, item.id)
    assert (row["image_url"], row["thumbnail_url"]) == (full_url, thumb_url)


def test_small_images_are_not_enlarged(engine: Engine, manager: Actor) -> None:
    item = make_item(engine)
    name = upload(engine, manager, item.id, picture("PNG", (300, 120))).image
    with Image.open(media_path(name)) as full:
        assert full.size == (300, 120)
    with Image.open(media_path(name.replace(".png", "-thumb.png"))) as thumb:
        assert thumb.size == (300, 120)


def test_rows_without_a_photo_have_no_urls(engine: Engine, manager: Actor) -> None:
    item = make_item(engine)
    with Session(engine) as s:
        row = equipment_service.get_equipment_row(s, manager, item.id)
    assert row["image_url"] is None and row["thumbnail_url"] is None
    assert image_urls(None) == (None, None)
    assert image_urls("../../etc/passwd") == (None, None)


def gif() -> bytes:
    return picture("GIF", (50, 50))


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>x</script></svg>'


@pytest.mark.parametrize(
    ("label", "make_data", "message"),
    [
        ("gif", gif, media_store.NOT_AN_IMAGE),
        ("svg", lambda: SVG, media_store.NOT_AN_IMAGE),
        ("text named .jpg", lambda: b"just some text, renamed photo.jpg\n" * 20, None),
        ("pdf", lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", None),
        ("truncated jpeg", lambda: picture("JPEG")[:2500], media_store.CORRUPT),
        ("truncated png", lambda: picture("PNG")[:300], media_store.CORRUPT),
        ("empty", lambda: b"", media_store.EMPTY),
    ],
)
def test_refused_files_write_nothing(
    engine: Engine, manager: Actor, label: str, make_data, message: str | None
) -> None:
    item = make_item(engine)
    bus = CommitCheckingBus(engine)
    changes.set_bus(bus)
    before = stored_files()
    with pytest.raises(ValidationFailed) as info:
        upload(engine, manager, item.id, make_data())
    messages = info.value.fields["image"]
    assert messages == [message or media_store.NOT_AN_IMAGE], label
    assert stored_files() == before
    after = saved(engine, item.id)
    assert after.image is None and after.version == item.version
    assert bus.published == []


def test_over_five_megabytes_is_refused_before_decoding(engine: Engine, manager: Actor) -> None:
    item = make_item(engine)
    # A valid JPEG padded past 5 MB (trailing bytes after the image end).
    data = picture("JPEG") + b"\0" * (media_store.MAX_UPLOAD_BYTES)
    assert len(data) > 5 * 1024 * 1024
    before = stored_files()
    with pytest.raises(ValidationFailed) as info:
        upload(engine, manager, item.id, data)
    assert info.value.fields == {"image": [media_store.TOO_LARGE]}
    assert "5 MB" in media_store.TOO_LARGE
    assert stored_files() == before
    exactly = picture("JPEG")
    exactly += b"\0" * (media_store.MAX_UPLOAD_BYTES - len(exactly))
    assert upload(engine, manager, item.id, exactly).image is not None


def test_decompression_bomb_is_refused(engine: Engine, manager: Actor) -> None:
    item = make_item(engine)
    bomb = io.BytesIO()
    Image.new("1", (10_000, 5_000)).save(bomb, "PNG")  # 50 megapixels in a few KB
    assert len(bomb.getvalue()) < 100_000
    with pytest.raises(ValidationFailed) as info:
        upload(engine, manager, item.id, bomb.getvalue())
    assert info.value.fields == {"image": [media_store.TOO_MANY_PIXELS]}


def test_exif_and_text_metadata_are_stripped_and_orientation_applied(
    engine: Engine, manager: Actor
) -> None:
    item = make_item(engine)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "SecretCameraMaker"
    exif[0x010E] = "Taken at the client's private address"
    data = picture("JPEG", (600, 400), exif=exif.tobytes())
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif()[0x010F] == "SecretCameraMaker"
    name = upload(engine, manager, item.id, data).image
    raw = media_path(name).read_bytes()
    assert b"SecretCameraMaker" not in raw and b"private address" not in raw
    with Image.open(media_path(name)) as stored:
        assert dict(stored.getexif()) == {}
        assert stored.size == (400, 600)  # upright: the orientation was applied
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "SecretPngComment")
    png = picture("PNG", (40, 30), pnginfo=info)
    assert b"SecretPngComment" in png
    name = upload(engine, manager, item.id, png).image
    assert b"SecretPngComment" not in media_path(name).read_bytes()
    with Image.open(media_path(name)) as stored:
        assert "Comment" not in stored.info


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.VIEWER])
def test_roles_without_equipment_write_are_refused(engine: Engine, role: Role) -> None:
    item = make_item(engine)
    actor = make_actor(engine, role)
    before = stored_files()
    with pytest.raises(Forbidden):
        upload(engine, actor, item.id, picture("PNG"))
    assert stored_files() == before
    with pytest.raises(Forbidden), transaction(engine) as s:
        remove_equipment_image(s, actor, item.id)
    assert saved(engine, item.id).image is None


def test_technician_may_set_a_photo(engine: Engine) -> None:
    item = make_item(engine)
    tech = make_actor(engine, Role.TECHNICIAN)
    assert upload(engine, tech, item.id, picture("WEBP")).image is not None


def test_unknown_item_is_not_found_and_writes_nothing(engine: Engine, manager: Actor) -> None:
    before = stored_files()
    with pytest.raises(NotFound):
        upload(engine, manager, uuid.uuid4(), picture("PNG", (77, 55)))
    assert stored_files() == before


def test_stale_version_conflicts_and_keeps_the_saved_photo(engine: Engine, manager: Actor) -> None:
    item = make_item(engine)
    first = upload(engine, manager, item.id, picture("PNG"), version=item.version)
    assert first.version == item.version + 1
    other = picture("JPEG", (640, 480))
    with pytest.raises(VersionConflict) as info:
        upload(engine, manager, item.id, other, version=item.version)
    assert info.value.current["image"] == first.image
    assert info.value.current["version"] == first.version
    assert saved(engine, item.id).image == first.image
    with pytest.raises(VersionConflict), transaction(engine) as s:
        remove_equipment_image(s, manager, item.id, version=item.version)
    assert saved(engine, item.id).image == first.image


def test_replace_and_remove_are_versioned_audited_and_published_after_commit(
    engine: Engine, manager: Actor
) -> None:
    item = make_item(engine)
    bus = CommitCheckingBus(engine)
    changes.set_bus(bus)
    first = upload(engine, manager, item.id, picture("PNG"))
    second = upload(engine, manager, item.id, picture("JPEG"), version=first.version)
    assert second.image != first.image and second.version == first.version + 1
    # The same photo again changes nothing.
    again = upload(engine, manager, item.id, picture("JPEG"), version=second.version)
    assert again.version == second.version
    with transaction(engine) as s:
        removed = remove_equipment_image(s, manager, item.id, version=second.version)
    assert removed.image is None and removed.version == second.version + 1
    with transaction(engine) as s:
        unchanged = remove_equipment_image(s, manager, item.id)
    assert unchanged.version == removed.version
    # The files stay: content-addressed, another item may show the same photo.
    assert media_path(second.image).exists()
    with Session(engine) as s:
        audits = s.exec(
            select(AuditLog)
            .where(AuditLog.entity_id == str(item.id), AuditLog.action == "update")
            .order_by(col(AuditLog.at))
        ).all()
    assert [(a.old_values["image"], a.new_values["image"]) for a in audits] == [
        (None, first.image),
        (first.image, second.image),
        (second.image, None),
    ]
    assert all(a.actor_username == manager.username for a in audits)
    assert [(c.entity, c.action, c.id, c.version, ok) for c, ok in bus.published] == [
        ("equipment", "update", str(item.id), first.version, True),
        ("equipment", "update", str(item.id), second.version, True),
        ("equipment", "update", str(item.id), removed.version, True),
    ]


def test_media_names_are_validated_strictly(engine: Engine, manager: Actor) -> None:
    item = make_item(engine)
    name = upload(engine, manager, item.id, picture("PNG")).image
    assert media_store.open_media(name) is not None
    digest = name.split(".")[0]
    for bad in [
        "../" + name,
        name + "/",
        digest.upper() + ".png",
        digest + ".gif",
        digest + ".png.png",
        digest[:-1] + ".png",
        "..",
        "",
        f"{digest}-thumb.svg",
        ("0" * 64) + ".png",  # well formed, but no such file
    ]:
        assert media_store.open_media(bad) is None, bad
