"""The mixins LMS and Studio add to every block class, and the field data that makes them inherit.

Mirrored from edx-platform:
- `lms/envs/common.py` and `cms/envs/common.py`: `XBLOCK_MIXINS = (LmsBlockMixin, InheritanceMixin,
  XModuleMixin, EditInfoMixin)`, mixed into every block class by the runtime's `Mixologist`, after
  the block's own bases (so a block's own field of the same name wins, as `max_attempts` does for
  the scenario);
- `xmodule/modulestore/inheritance.py`: `InheritanceMixin` (`InheritableFieldsMixin`), every field
  with its name, scope, default and type, and `InheritingFieldData`, whose default for an unset
  inheritable field is the value set on the nearest ancestor;
- `lms/djangoapps/lms_xblock/mixin.py`: `LmsBlockMixin`'s fields (`group_access` with integer keys);
- `xmodule/x_module.py`: `XModuleMixin`'s `display_name` field and its `category`, `url_name` and
  `location` properties (what the exporter reads).
`EditInfoMixin` adds only properties read from the modulestore, and is left out. The mixins'
behaviour (validation against user partitions, due-date checks) is not mirrored: only what
import, export and field resolution see.
"""
import datetime

from xblock.core import XBlockMixin
from xblock.fields import Boolean, Dict, Float, Integer, List, Scope, String
from xblock.runtime import KvsFieldData

from tests.platform.fields import Date, Timedelta

__all__ = ["XBLOCK_MIXINS", "InheritanceMixin", "InheritingFieldData", "LmsBlockMixin", "XModuleMixin",
           "inheriting_field_data"]

# xmodule/course_metadata_utils.py DEFAULT_START_DATE
DEFAULT_START_DATE = datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)


class InheritanceMixin(XBlockMixin):
    """The inheritable settings every block has on the platform (inheritance.py InheritableFieldsMixin)."""

    graded = Boolean(help="Whether this block contributes to the final course grade", scope=Scope.settings,
                     default=False)
    start = Date(help="Start time when this block is visible", default=DEFAULT_START_DATE, scope=Scope.settings)
    due = Date(display_name="Due Date", help="Enter the default date by which problems are due.",
               scope=Scope.settings)
    relative_weeks_due = Integer(display_name="Number of Relative Weeks Due By", scope=Scope.settings,
                                 help="Enter the number of weeks the problems are due by relative to enrollment")
    visible_to_staff_only = Boolean(help="If true, can be seen only by course staff, regardless of start date.",
                                    default=False, scope=Scope.settings)
    course_edit_method = String(display_name="Course Editor", help="XML or Studio", default="Studio",
                                scope=Scope.settings, deprecated=True)
    giturl = String(display_name="GIT URL", help="Enter the URL for the course data GIT repository.",
                    scope=Scope.settings)
    xqa_key = String(display_name="XQA Key", help="This setting is not currently supported.", scope=Scope.settings,
                     deprecated=True)
    graceperiod = Timedelta(help="Amount of time after the due date that submissions will be accepted",
                            scope=Scope.settings)
    group_access = Dict(help="Enter the ids for the content groups this problem belongs to.", scope=Scope.settings)
    showanswer = String(display_name="Show Answer", help="When the Show Answer button appears.",
                        scope=Scope.settings, default="finished")
    show_correctness = String(display_name="Show Results", help="When to show answer correctness.",
                              scope=Scope.settings, default="always")
    rerandomize = String(display_name="Randomization", help="How often variable values are randomized.",
                         scope=Scope.settings, default="never")
    days_early_for_beta = Float(display_name="Days Early for Beta Users", scope=Scope.settings, default=None,
                                help="Enter the number of days before the start date that beta users can access.")
    static_asset_path = String(display_name="Static Asset Path", help="The path to use for Files & Uploads.",
                               scope=Scope.settings, default="")
    use_latex_compiler = Boolean(display_name="Enable LaTeX Compiler", help="LaTeX templates.", default=False,
                                 scope=Scope.settings)
    max_attempts = Integer(display_name="Maximum Attempts", values={"min": 0}, scope=Scope.settings,
                           help="Enter the maximum number of times a student can try to answer problems. By default, "
                                "Maximum Attempts is set to null, meaning that students have an unlimited number "
                                "of attempts for problems.")
    matlab_api_key = String(display_name="Matlab API key", help="The MathWorks API key.", scope=Scope.settings)
    # UserPartitionList in the platform: a List whose items are UserPartition objects.
    user_partitions = List(display_name="Group Configurations", help="Group configurations.", default=[],
                           scope=Scope.settings)
    video_speed_optimizations = Boolean(display_name="Enable video caching system", help="Video caching.",
                                        default=True, scope=Scope.settings)
    video_auto_advance = Boolean(display_name="Enable video auto-advance", help="Auto-advance button.",
                                 scope=Scope.settings, default=False)
    video_bumper = Dict(display_name="Video Pre-Roll", help="A video to play before course videos.",
                        scope=Scope.settings)
    show_reset_button = Boolean(display_name="Show Reset Button for Problems", help="Reset button.",
                                scope=Scope.settings, default=False)
    edxnotes = Boolean(display_name="Enable Student Notes", help="Student Notes.", default=False,
                       scope=Scope.settings)
    edxnotes_visibility = Boolean(display_name="Student Notes Visibility", help="Notes visible.", default=True,
                                  scope=Scope.user_info)
    in_entrance_exam = Boolean(display_name="Tag this block as part of an Entrance Exam section",
                               help="Entrance exam.", scope=Scope.settings, default=False)
    self_paced = Boolean(display_name="Self Paced", help="Self-paced course.", default=False, scope=Scope.settings)
    hide_from_toc = Boolean(display_name="Hide from Table of Contents", help="Hidden from the TOC.", default=False,
                            scope=Scope.settings)


class GroupAccessDict(Dict):
    """`group_access` with integer partition ids (lms_xblock/mixin.py GroupAccessDict)."""

    def from_json(self, value):
        if value is not None:
            return {int(key): value[key] for key in value}
        return None

    def to_json(self, value):
        if value is not None:
            return {str(key): value[key] for key in value}
        return None


class LmsBlockMixin(XBlockMixin):
    """The LMS's fields on every block (lms_xblock/mixin.py); its partition checks are not mirrored."""

    hide_from_toc = Boolean(help="Whether to display this block in the table of contents", default=False,
                            scope=Scope.settings)
    format = String(help="What format this block is in (grader and TOC)", scope=Scope.settings)
    chrome = String(display_name="Course Chrome", help="The navigation tools to use.", scope=Scope.settings,
                    default=None)
    default_tab = String(display_name="Default Tab", help="The tab selected.", scope=Scope.settings, default=None)
    source_file = String(display_name="LaTeX Source File Name", help="LaTeX source.", scope=Scope.settings,
                         deprecated=True)
    visible_to_staff_only = Boolean(help="If true, can be seen only by course staff, regardless of start date.",
                                    default=False, scope=Scope.settings)
    group_access = GroupAccessDict(help="Which groups can be shown this block.", default={}, scope=Scope.settings)
    user_partitions = List(help="Group configurations for content experiments.", default=[], scope=Scope.settings)


class XModuleMixin(XBlockMixin):
    """What `xmodule/x_module.py` XModuleMixin adds that import and export read."""

    display_name = String(display_name="Display Name", help="The display name for this component.",
                          scope=Scope.settings, default=None)

    @property
    def category(self):
        """The block type, which the exporter uses as the element's tag."""
        return self.scope_ids.block_type

    @property
    def location(self):
        """The usage key."""
        return self.scope_ids.usage_id

    @property
    def url_name(self):
        """The block id part of the usage key: the `url_name` attribute on export."""
        usage_id = self.scope_ids.usage_id
        return getattr(usage_id, "block_id", None) or str(usage_id)


XBLOCK_MIXINS = (LmsBlockMixin, InheritanceMixin, XModuleMixin)


class InheritingFieldData(KvsFieldData):
    """Field data whose default for an inheritable field is its value on the nearest ancestor that sets it."""

    def __init__(self, inheritable_names, **kwargs):
        super().__init__(**kwargs)
        self.inheritable_names = set(inheritable_names)

    def default(self, block, name):
        if name in self.inheritable_names:
            # The block's own field is used so that its default, not the ancestor's, applies when none sets it.
            field = block.fields[name]
            ancestor = block.get_parent()
            while ancestor is not None:
                if field.is_set_on(ancestor):
                    return field.read_json(ancestor)
                ancestor = ancestor.get_parent()
        return super().default(block, name)


def inheriting_field_data(kvs):
    """InheritingFieldData over `kvs` that inherits the names of InheritanceMixin's fields (inheritance.py)."""
    return InheritingFieldData(inheritable_names=InheritanceMixin.fields.keys(), kvs=kvs)
