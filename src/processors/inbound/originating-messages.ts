import type { Pool } from 'pg';

/** The Genesys message a business WhatsApp message carried, so a customer's answer can name it. */
export interface OriginatingMessages {
  /** The Genesys message id the bridge sent as `wamid` for this tenant; undefined when it sent no such message. */
  genesysMessageId(tenantId: string, wamid: string): Promise<string | undefined>;
}

/** Reads meta_message_index (migrations/004), filled by every MessageSent; another tenant's wamid is never found. */
export const indexedOriginatingMessages = (pool: Pool): OriginatingMessages => ({
  async genesysMessageId(tenantId, wamid) {
    const { rows } = await pool.query<{ genesys_message_id: string }>(
      'SELECT genesys_message_id FROM meta_message_index WHERE wamid = $1 AND tenant_id = $2',
      [wamid, tenantId],
    );
    return rows[0]?.genesys_message_id;
  },
});
