"""A few self-service terminals: two at 咸宁市民之家, one at two county halls and one at a
town 便民服务中心, plus one switched off, so a demo shows that its pages answer 404. Each
run gives every terminal in service that no browser is enrolled as yet a one-time code for
a day, printed with the demo's summary, so whoever tries the demo can make a browser one."""

from django.db import transaction

from ninhaoban.kiosk.models import Kiosk
from ninhaoban.kiosk.services import issue_enrolment_code, register_kiosk
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
    lines = [f"kiosks: {made} new, {Kiosk.objects.filter(active=True).count()} in service"]
    for kiosk in Kiosk.objects.filter(active=True, device_hash="").order_by("code"):
        code, _ = issue_enrolment_code(kiosk, actor="demo", minutes=24 * 60)
        lines.append(f"  /kiosk/{kiosk.code}/enrol/ 安装码 enrolment code {code} (24 h)")
    return "\n".join(lines)
