"""A few self-service terminals: two at 咸宁市民之家, one at two county halls and one at a
town 便民服务中心, plus one switched off, so a demo shows that its pages answer 404."""

from django.db import transaction

from ninhaoban.kiosk.models import Kiosk
from ninhaoban.kiosk.services import register_kiosk
from ninhaoban.regions.models import ServiceHall

# code, hall region, hall name, terminal name, active
KIOSKS = [
    ("XN-SMZJ-01", "421200000000", "咸宁市民之家", "一楼大厅1号自助终端", True),
    ("XN-SMZJ-02", "421200000000", "咸宁市民之家", "一楼大厅2号自助终端", True),
    ("XA-ZWZX-01", "421202000000", "咸安区政务服务中心", "1号自助终端", True),
    ("CY-ZWZX-01", "421223000000", "崇阳县政务服务中心", "1号自助终端", True),
    ("CY-TCZ-01", "421223100000", "天城镇便民服务中心", "自助终端", True),
    ("CY-ZWZX-02", "421223000000", "崇阳县政务服务中心", "2号自助终端（维修中）", False),
]


@transaction.atomic
def seed() -> str:
    made = 0
    for code, region, hall_name, name, active in KIOSKS:
        if Kiosk.objects.filter(code=code).exists():
            continue
        hall = ServiceHall.objects.get(region_id=region, name=hall_name)
        register_kiosk(code=code, hall=hall, name=name, active=active)
        made += 1
    return f"kiosks: {made} new, {Kiosk.objects.filter(active=True).count()} in service"
