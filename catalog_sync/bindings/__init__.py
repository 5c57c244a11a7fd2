"""Kubernetes service bindings (servicebinding.io): reading `$SERVICE_BINDING_ROOT` into typed
`Binding` records that keep their folder name, and the connection facts they carry."""

from __future__ import annotations

from catalog_sync.bindings.folder import BindingError
from catalog_sync.bindings.model import Binding, normalize_type, validate_binding_name
from catalog_sync.bindings.objects import OBJECT_TYPES, ObjectBinding
from catalog_sync.bindings.reader import BindingRootError, read_bindings, read_object_bindings

__all__ = [
    "OBJECT_TYPES",
    "Binding",
    "BindingError",
    "BindingRootError",
    "ObjectBinding",
    "normalize_type",
    "read_bindings",
    "read_object_bindings",
    "validate_binding_name",
]
