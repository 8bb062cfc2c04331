//! An in-process fake cloud (Keystone, Nova, Neutron) for examples and tests.
