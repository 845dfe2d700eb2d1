#!/usr/bin/env node
// Terraform starts this (through the wrapper `keyform provider install` writes); see docs/provider.md.
import "../dist/src/provider/main.js";
