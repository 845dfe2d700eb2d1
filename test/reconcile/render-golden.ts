/** Golden renderings: the exact text a reviewer sees. Change them only on purpose. */
export const noChangesText = `No changes. Your API keys match the configuration.
`;

export const firstText = `Resource actions are indicated with the following symbols:
  + create

keyform will perform the following actions:

  # keyform_api_key.ci will be created
  + resource "keyform_api_key" "ci" {
      + created_at         = (known after apply)
      + description        = "CI deploys"
      + expires_at         = "2030-01-01T00:00:00Z"
      + id                 = (known after apply)
      + masked_secret      = (known after apply)
      + scopes             = [
          + "a",
          + "b",
        ]
      + secret_key         = (sensitive value)
      + service_account_id = "ajesa1"
    }

  # keyform_api_key.enc will be created
  + resource "keyform_api_key" "enc" {
      + age_recipients       = [
          + "age1example",
        ]
      + created_at           = (known after apply)
      + encrypted_secret_key = (known after apply)
      + id                   = (known after apply)
      + masked_secret        = (known after apply)
      + service_account_id   = "ajesa1"
    }

Plan: 2 to add, 0 to change, 0 to destroy.

Changes to Outputs:
  + ci_id     = (known after apply)
  + ci_secret = (sensitive value)
`;

export const mixedText = `Note: Objects have changed outside of keyform

keyform detected the following changes made outside of keyform since the last "keyform apply":

  # keyform_api_key.drifted has changed
  ~ resource "keyform_api_key" "drifted" {
      ~ description = "kept" -> "edited by hand"
        id          = "k-drift"
        # (4 unchanged attributes hidden)
    }

  # keyform_api_key.lost has been deleted
  - resource "keyform_api_key" "lost" {
      - created_at         = "2026-01-01T00:00:00Z" -> null
      - description        = "recreate me" -> null
      - id                 = "k-lost" -> null
      - masked_secret      = "****lue-0001" -> null
      - secret_key         = (sensitive value) -> null
      - service_account_id = "ajesa1" -> null
    }

Unless you have made equivalent changes to your configuration, or ignored the relevant attributes using ignore_changes, the following plan includes actions to undo or respond to these changes.

─────────────────────────────────────────────────────────────────────────────

Resource actions are indicated with the following symbols:
  + create
  ~ update in-place
  - destroy
-/+ destroy and then create replacement
+/- create replacement and then destroy

keyform will perform the following actions:

  # keyform_api_key.ci will be updated in-place
  ~ resource "keyform_api_key" "ci" {
      + expires_at = "2030-01-01T00:00:00Z"
        id         = "k-ci"
      ~ scopes     = [
          - "b",
          + "c",
            # (1 unchanged element hidden)
        ]
        # (5 unchanged attributes hidden)
    }

  # keyform_api_key.drifted will be updated in-place
  # (to undo changes made outside keyform)
  ~ resource "keyform_api_key" "drifted" {
      ~ description = "edited by hand" -> "kept"
        id          = "k-drift"
        # (4 unchanged attributes hidden)
    }

  # keyform_api_key.lost will be created
  # (because the key was deleted outside keyform)
  + resource "keyform_api_key" "lost" {
      + created_at         = (known after apply)
      + description        = "recreate me"
      + id                 = (known after apply)
      + masked_secret      = (known after apply)
      + secret_key         = (sensitive value)
      + service_account_id = "ajesa1"
    }

  # keyform_api_key.moved must be replaced
+/- resource "keyform_api_key" "moved" {
      ~ created_at         = "2026-01-01T00:00:00Z" -> (known after apply)
      ~ id                 = "k-moved" -> (known after apply)
      ~ keepers            = { # forces replacement
          ~ "v" = "1" -> "2"
        }
      ~ masked_secret      = "****lue-0001" -> (known after apply)
      ~ secret_key         = (sensitive value)
      ~ service_account_id = "ajesa1" -> "ajesa2" # forces replacement
    }

  # keyform_api_key.moved (deposed object k-old) will be destroyed
  # (the old key of a create_before_destroy replacement)
  - resource "keyform_api_key" "moved" {
      - created_at         = "2026-01-01T00:00:00Z" -> null
      - description        = "" -> null
      - id                 = "k-old" -> null
      - masked_secret      = "****lue-0001" -> null
      - scopes             = [] -> null
      - service_account_id = "ajesa1" -> null
    }

  # keyform_api_key.removed will be destroyed
  # (because keyform_api_key.removed is not in configuration)
  - resource "keyform_api_key" "removed" {
      - created_at         = "2026-01-01T00:00:00Z" -> null
      - description        = "bye" -> null
      - id                 = "k-rm" -> null
      - masked_secret      = "****lue-0001" -> null
      - secret_key         = (sensitive value) -> null
      - service_account_id = "ajesa1" -> null
    }

  # keyform_api_key.rotated must be replaced
  # (because rotate_after 30d has passed since the key was created)
-/+ resource "keyform_api_key" "rotated" {
      ~ created_at    = "2026-01-01T00:00:00Z" -> (known after apply)
      ~ id            = "k-rot" -> (known after apply)
      ~ masked_secret = "****lue-0001" -> (known after apply)
      ~ secret_key    = (sensitive value)
        # (2 unchanged attributes hidden)
    }

  # keyform_api_key.unmanaged["k-x"] will be destroyed
  # (because service account ajesa2 is exclusive and no resource declares this key)
  - resource "keyform_api_key" "unmanaged" {
      - created_at         = "2026-01-01T00:00:00Z" -> null
      - description        = "" -> null
      - id                 = "k-x" -> null
      - masked_secret      = "****lue-0001" -> null
      - scopes             = [] -> null
      - service_account_id = "ajesa2" -> null
    }

Plan: 3 to add, 2 to change, 5 to destroy.

Note: 1 API key is not managed by keyform (no resource declares it; its service account is not exclusive), left as it is:
  - k-stray in service account ajesa1 ("made in the console", created 2026-02-02T00:00:00Z)
`;

export const outputsOnlyText = `Changes to Outputs:
  + ci_id = (known after apply)

You can apply this plan to save these new output values to the keyform state, without changing any API keys.
`;

export const firstJson = `{
  "format_version": "1.2",
  "keyform_version": "0.1.0",
  "stack": "demo",
  "prior_state": {
    "lineage": "",
    "serial": 0
  },
  "resource_drift": [],
  "resource_changes": [
    {
      "address": "keyform_api_key.ci",
      "mode": "managed",
      "type": "keyform_api_key",
      "name": "ci",
      "provider_name": "keyform.dev/keyform/keyform",
      "change": {
        "actions": [
          "create"
        ],
        "before": null,
        "after": {
          "service_account_id": "ajesa1",
          "description": "CI deploys",
          "scopes": [
            "a",
            "b"
          ],
          "expires_at": "2030-01-01T00:00:00Z",
          "rotate_after": null,
          "keepers": null,
          "age_recipients": null,
          "encrypted_secret_key": null
        },
        "after_unknown": {
          "id": true,
          "created_at": true,
          "masked_secret": true,
          "secret_key": true
        },
        "before_sensitive": false,
        "after_sensitive": {
          "secret_key": true
        },
        "replace_paths": []
      },
      "keyform_reason": "new_in_config",
      "update_mask": [],
      "key_id": null,
      "service_account_id": "ajesa1"
    },
    {
      "address": "keyform_api_key.enc",
      "mode": "managed",
      "type": "keyform_api_key",
      "name": "enc",
      "provider_name": "keyform.dev/keyform/keyform",
      "change": {
        "actions": [
          "create"
        ],
        "before": null,
        "after": {
          "service_account_id": "ajesa1",
          "description": null,
          "scopes": null,
          "expires_at": null,
          "rotate_after": null,
          "keepers": null,
          "age_recipients": [
            "age1example"
          ],
          "secret_key": null
        },
        "after_unknown": {
          "id": true,
          "created_at": true,
          "masked_secret": true,
          "encrypted_secret_key": true
        },
        "before_sensitive": false,
        "after_sensitive": {
          "secret_key": true
        },
        "replace_paths": []
      },
      "keyform_reason": "new_in_config",
      "update_mask": [],
      "key_id": null,
      "service_account_id": "ajesa1"
    }
  ],
  "output_changes": {
    "ci_id": {
      "actions": [
        "create"
      ],
      "after_unknown": true,
      "before_sensitive": false,
      "after_sensitive": false
    },
    "ci_secret": {
      "actions": [
        "create"
      ],
      "after_unknown": true,
      "before_sensitive": true,
      "after_sensitive": true
    }
  },
  "unmanaged_keys": [],
  "has_changes": true,
  "applyable": true,
  "complete": true,
  "errored": false
}
`;

export const mixedMarkdown = `### keyform plan: \`demo\`

**Plan: 3 to add, 2 to change, 5 to destroy.**

| Action | Address | Why |
|---|---|---|
| update in-place | \`keyform_api_key.ci\` | configuration changed: scopes, expires_at |
| update in-place | \`keyform_api_key.drifted\` | reverting a change made outside keyform: description |
| create | \`keyform_api_key.lost\` | re-created: deleted outside keyform |
| replace (create, then destroy) | \`keyform_api_key.moved\` | change forces replacement: service_account_id, keepers |
| destroy | \`keyform_api_key.moved (deposed k-old)\` | old key of a replacement |
| destroy | \`keyform_api_key.removed\` | removed from configuration |
| replace (destroy, then create) | \`keyform_api_key.rotated\` | rotation due |
| destroy | \`keyform_api_key.unmanaged["k-x"]\` | not declared in an exclusive service account |

> 2 keys changed outside keyform (see details).
> 1 key in non-exclusive service accounts not managed by keyform (left alone).

<details><summary>Details</summary>

\`\`\`diff
 Note: Objects have changed outside of keyform

 keyform detected the following changes made outside of keyform since the last "keyform apply":

   # keyform_api_key.drifted has changed
~    resource "keyform_api_key" "drifted" {
~        description = "kept" -> "edited by hand"
         id          = "k-drift"
         # (4 unchanged attributes hidden)
     }

   # keyform_api_key.lost has been deleted
-    resource "keyform_api_key" "lost" {
-        created_at         = "2026-01-01T00:00:00Z" -> null
-        description        = "recreate me" -> null
-        id                 = "k-lost" -> null
-        masked_secret      = "****lue-0001" -> null
-        secret_key         = (sensitive value) -> null
-        service_account_id = "ajesa1" -> null
     }

 Unless you have made equivalent changes to your configuration, or ignored the relevant attributes using ignore_changes, the following plan includes actions to undo or respond to these changes.

 ─────────────────────────────────────────────────────────────────────────────

 Resource actions are indicated with the following symbols:
   + create
   ~ update in-place
   - destroy
 -/+ destroy and then create replacement
 +/- create replacement and then destroy

 keyform will perform the following actions:

   # keyform_api_key.ci will be updated in-place
~    resource "keyform_api_key" "ci" {
+        expires_at = "2030-01-01T00:00:00Z"
         id         = "k-ci"
~        scopes     = [
-            "b",
+            "c",
             # (1 unchanged element hidden)
         ]
         # (5 unchanged attributes hidden)
     }

   # keyform_api_key.drifted will be updated in-place
   # (to undo changes made outside keyform)
~    resource "keyform_api_key" "drifted" {
~        description = "edited by hand" -> "kept"
         id          = "k-drift"
         # (4 unchanged attributes hidden)
     }

   # keyform_api_key.lost will be created
   # (because the key was deleted outside keyform)
+    resource "keyform_api_key" "lost" {
+        created_at         = (known after apply)
+        description        = "recreate me"
+        id                 = (known after apply)
+        masked_secret      = (known after apply)
+        secret_key         = (sensitive value)
+        service_account_id = "ajesa1"
     }

   # keyform_api_key.moved must be replaced
~    resource "keyform_api_key" "moved" {
~        created_at         = "2026-01-01T00:00:00Z" -> (known after apply)
~        id                 = "k-moved" -> (known after apply)
~        keepers            = { # forces replacement
~            "v" = "1" -> "2"
         }
~        masked_secret      = "****lue-0001" -> (known after apply)
~        secret_key         = (sensitive value)
~        service_account_id = "ajesa1" -> "ajesa2" # forces replacement
     }

   # keyform_api_key.moved (deposed object k-old) will be destroyed
   # (the old key of a create_before_destroy replacement)
-    resource "keyform_api_key" "moved" {
-        created_at         = "2026-01-01T00:00:00Z" -> null
-        description        = "" -> null
-        id                 = "k-old" -> null
-        masked_secret      = "****lue-0001" -> null
-        scopes             = [] -> null
-        service_account_id = "ajesa1" -> null
     }

   # keyform_api_key.removed will be destroyed
   # (because keyform_api_key.removed is not in configuration)
-    resource "keyform_api_key" "removed" {
-        created_at         = "2026-01-01T00:00:00Z" -> null
-        description        = "bye" -> null
-        id                 = "k-rm" -> null
-        masked_secret      = "****lue-0001" -> null
-        secret_key         = (sensitive value) -> null
-        service_account_id = "ajesa1" -> null
     }

   # keyform_api_key.rotated must be replaced
   # (because rotate_after 30d has passed since the key was created)
~    resource "keyform_api_key" "rotated" {
~        created_at    = "2026-01-01T00:00:00Z" -> (known after apply)
~        id            = "k-rot" -> (known after apply)
~        masked_secret = "****lue-0001" -> (known after apply)
~        secret_key    = (sensitive value)
         # (2 unchanged attributes hidden)
     }

   # keyform_api_key.unmanaged["k-x"] will be destroyed
   # (because service account ajesa2 is exclusive and no resource declares this key)
-    resource "keyform_api_key" "unmanaged" {
-        created_at         = "2026-01-01T00:00:00Z" -> null
-        description        = "" -> null
-        id                 = "k-x" -> null
-        masked_secret      = "****lue-0001" -> null
-        scopes             = [] -> null
-        service_account_id = "ajesa2" -> null
     }

 Plan: 3 to add, 2 to change, 5 to destroy.

 Note: 1 API key is not managed by keyform (no resource declares it; its service account is not exclusive), left as it is:
   - k-stray in service account ajesa1 ("made in the console", created 2026-02-02T00:00:00Z)
\`\`\`

</details>
`;

export const noChangesMarkdown = `### keyform plan: \`demo\`

**No changes.** Your API keys match the configuration.
`;
