"""A platform-fidelity layer: what edx-platform does around a block, mirrored from its source for the tests.

edx-platform cannot be installed here, so each module of this package mirrors one thing the
platform does around every XBlock (its mixins and inherited fields, the XML importer and
exporter, Studio's preview runtime, masquerade, the mobile API's publish-time call, the
instructor's tools, user retirement), citing the platform file it follows. docs/OPEN_EDX.md says
what is mirrored and what is known to differ.
"""
