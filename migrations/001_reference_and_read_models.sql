-- Reference data (written by the admin API and CLI) and the first read models (written by projections only).

CREATE TABLE tenants (
  tenant_id              text PRIMARY KEY,
  genesys_integration_id text NOT NULL UNIQUE,
  genesys_region         text NOT NULL DEFAULT 'mypurecloud.com',
  media_mode             text NOT NULL DEFAULT 'link' CHECK (media_mode IN ('link', 'upload')),
  status                 text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now()
);

-- Secrets are stored only as AES-256-GCM ciphertext; key_id names the key that sealed them so keys can rotate.
-- public_config holds what is not secret (phone number id, business account id, client id, region).
CREATE TABLE tenant_credentials (
  tenant_id       text NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  credential_type text NOT NULL CHECK (credential_type IN ('genesys_webhook', 'genesys_oauth', 'whatsapp')),
  key_id          text NOT NULL,
  ciphertext      bytea NOT NULL,
  public_config   jsonb NOT NULL DEFAULT '{}'::jsonb,
  is_active       boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, credential_type)
);

CREATE TABLE conversation_mappings (
  tenant_id            text NOT NULL,
  conversation_id      text NOT NULL,
  wa_id                text NOT NULL,
  contact_name         text,
  phone_number_id      text,
  display_phone_number text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  last_activity_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, conversation_id)
);
CREATE INDEX conversation_mappings_by_wa_id ON conversation_mappings (tenant_id, wa_id);

-- One row per WhatsApp message (wamid). A long text is several WhatsApp messages, so one Genesys message may have
-- several rows; part_index orders them.
CREATE TABLE message_tracking (
  meta_message_id    text PRIMARY KEY,
  genesys_message_id text NOT NULL,
  tenant_id          text NOT NULL,
  conversation_id    text,
  part_index         integer NOT NULL DEFAULT 0,
  direction          text NOT NULL DEFAULT 'outbound' CHECK (direction IN ('outbound', 'inbound')),
  status             text NOT NULL CHECK (status IN ('accepted', 'sent', 'delivered', 'read', 'failed')),
  media_type         text,
  media_url          text,
  error_code         text,
  error_title        text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  sent_at            timestamptz,
  delivered_at       timestamptz,
  read_at            timestamptz,
  failed_at          timestamptz
);
CREATE INDEX message_tracking_by_genesys_message ON message_tracking (tenant_id, genesys_message_id);
CREATE INDEX message_tracking_by_conversation ON message_tracking (tenant_id, conversation_id);
