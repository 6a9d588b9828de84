from django.db import models
from django.utils.translation import gettext_noop as _

from ninhaoban.core.errors import InvalidInput

# Digits of the 12-digit code that belong to each level: 省2 市2 县2 乡3 村3.
CODE_GROUPS = (2, 2, 2, 3, 3)


class Level(models.TextChoices):
    CITY = "city", _("市")
    COUNTY = "county", _("县（市、区）")
    TOWN = "town", _("乡镇（街道）")
    VILLAGE = "village", _("村（社区）")


class RegionKind(models.TextChoices):
    REGULAR = "regular", _("行政区划")
    ZONE = "zone", _("功能区（开发区、高新区）")
    FARM = "farm", _("农场、林场等")


def code_prefix(code: str) -> str:
    """The significant digits of a 12-digit code: 421202000000 -> 421202; a subtree's prefix."""
    cut, end = 0, 0
    for size in CODE_GROUPS:
        if code[cut : cut + size].strip("0"):
            end = cut + size
        cut += size
    return code[:end]


def normalize_region_code(code: str) -> str:
    c = (code or "").strip()
    if not c.isdigit() or not c.isascii() or len(c) not in (6, 9, 12):
        raise InvalidInput(
            f"行政区划代码“{code}”无效：应为6、9或12位数字",
            f"region code '{code}' is invalid: 6, 9 or 12 digits expected",
            field="region",
        )
    return c.ljust(12, "0")


class Region(models.Model):
    """A node of the division tree. The code is the key, so every table that points at a
    region holds its code, and a subtree is a range scan on that column."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=8, choices=Level.choices, db_index=True)
    kind = models.CharField(
        "类别", max_length=8, choices=RegionKind.choices, default=RegionKind.REGULAR
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return code_prefix(self.code)

    @property
    def full_name(self) -> str:
        names: list[str] = []
        node: Region | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))


class DepartmentType(models.TextChoices):
    MARKET = "market", _("市场监督管理局")
    HRSS = "hrss", _("人力资源和社会保障局")
    HEALTHCARE_SECURITY = "healthcare_security", _("医疗保障局")
    REAL_ESTATE = "real_estate", _("不动产登记中心")
    HOUSING_FUND = "housing_fund", _("住房公积金中心")
    PUBLIC_SECURITY = "public_security", _("公安局")
    NATURAL_RESOURCES = "natural_resources", _("自然资源和规划局")
    HOUSING = "housing", _("住房和城乡建设局")
    TAX = "tax", _("税务局")
    HEALTH = "health", _("卫生健康委员会")
    CIVIL_AFFAIRS = "civil_affairs", _("民政局")
    TRANSPORT = "transport", _("交通运输局")
    DEVELOPMENT = "development", _("发展和改革委员会")
    DATA = "data", _("政务服务和大数据管理局")
    DISABLED_PERSONS = "disabled_persons", _("残疾人联合会")
    TOWNSHIP = "township", _("乡镇人民政府（街道办事处）")
    OTHER = "other", _("其他")


class Department(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")
    dept_type = models.CharField("部门类别", max_length=32, choices=DepartmentType.choices)
    name = models.CharField("名称", max_length=64)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)

    class Meta:
        ordering = ["region_id", "dept_type"]
        constraints = [
            models.UniqueConstraint(fields=["region", "dept_type"], name="one_department_per_type")
        ]
        verbose_name = "部门"
        verbose_name_plural = "部门"

    def __str__(self) -> str:
        return self.name


class ServiceHall(models.Model):
    """市民之家, county halls, town 便民服务中心 and community 便民服务点."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="halls")
    name = models.CharField("名称", max_length=64)
    address = models.CharField("地址", max_length=128, blank=True)
    phone = models.CharField("电话", max_length=32, blank=True)
    hours = models.CharField(
        "办公时间", max_length=128, default="周一至周五 9:00-12:00 13:30-17:30"
    )

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = "政务服务大厅"
        verbose_name_plural = "政务服务大厅"

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> str:
        return self.region.level


class Window(models.Model):
    hall = models.ForeignKey(ServiceHall, on_delete=models.CASCADE, related_name="windows")
    number = models.CharField("窗口号", max_length=16)
    name = models.CharField("名称", max_length=64)
    is_general = models.BooleanField("综合窗口", default=False)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="windows"
    )

    class Meta:
        ordering = ["hall_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "number"], name="window_number_per_hall")
        ]
        verbose_name = "窗口"
        verbose_name_plural = "窗口"

    def __str__(self) -> str:
        return f"{self.hall.name} {self.number}号窗口 {self.name}"


class DayKind(models.TextChoices):
    WORKDAY = "workday", _("工作日")
    WEEKEND = "weekend", _("周末")
    HOLIDAY = "holiday", _("法定节假日")
    MAKEUP_WORKDAY = "makeup", _("调休上班")


class WorkCalendar(models.Model):
    """Every stored date and whether it is a working day. A year is official once the State
    Council's notice is imported; until then it is provisional (weekends and the statutory
    holidays), computed on the fly or stored once an administrator edits one of its days."""

    date = models.DateField("日期", primary_key=True)
    is_working = models.BooleanField("工作日")
    kind = models.CharField("类别", max_length=8, choices=DayKind.choices)
    note = models.CharField("说明", max_length=64, blank=True)
    provisional = models.BooleanField("预计（节假日安排未公布）", default=False)
    # set by every change after the seed, so other processes see an edit that keeps the count
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "工作日历"
        verbose_name_plural = "工作日历"

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.note}".strip()
