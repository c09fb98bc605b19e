import { fixtureBytes } from '../support/fixtures';
import { postGenesysWebhook } from '../support/genesys-webhooks';
import { startPipeline, type TestPipeline } from '../support/pipeline';
import { waitForSettled } from '../support/streams';
import { outboundStreamId } from '../../src/events/schemas/stream-ids';

const TENANT = 'templates';
const SECRET = 'template-webhook-secret-001';
const WA_ID = '447700900125';

/**
 * The shared structured-notification fixture names no template and no language (outbound-fixtures.int.test.ts:
 * TemplateNameMissing). A tenant that configures its approved default template gets such notifications sent with
 * it, the Genesys body parameters filling the template's body.
 */
describe('a notification without a template name, for a tenant with a default template', () => {
  let pipeline: TestPipeline;
  const body = fixtureBytes('genesys/outbound-structured-notification.json');
  const webhook = JSON.parse(body.toString()) as {
    channel: { id: string; messageId: string };
    conversationId: string;
  };

  beforeAll(async () => {
    pipeline = await startPipeline('template-defaults');
    await pipeline.addTenant({
      tenantId: TENANT,
      integrationId: webhook.channel.id,
      region: 'usw2.pure.cloud',
      webhookSecret: SECRET,
      whatsapp: { defaultTemplateName: 'agent_follow_up', defaultTemplateLanguage: 'en_US' },
    });
    await pipeline.link(TENANT, webhook.conversationId, WA_ID);
  });
  afterAll(() => pipeline.stop());

  it('is sent to Meta as the default template', async () => {
    expect((await postGenesysWebhook(pipeline.app, SECRET, body.toString())).statusCode).toBe(200);
    const streamId = outboundStreamId(TENANT, webhook.channel.messageId);
    await waitForSettled(pipeline.connections.pool, streamId, ['MessageSent', 'MessageFailed']);
    const [sent] = pipeline.meta.sentMessages;
    expect(sent?.body).toMatchObject({
      to: `+${WA_ID}`,
      type: 'template',
      template: {
        name: 'agent_follow_up',
        language: { code: 'en_US' },
        components: expect.arrayContaining([
          expect.objectContaining({ type: 'body', parameters: [expect.objectContaining({ text: 'Happy' })] }),
        ]),
      },
    });
  });

  it('refuses a default template name WhatsApp would not accept, naming the field', async () => {
    const response = await pipeline.internal.inject({
      method: 'PUT',
      url: `/admin/tenants/${TENANT}/credentials`,
      headers: { authorization: `Bearer ${pipeline.adminToken}` },
      payload: {
        whatsapp: { phoneNumberId: '106540352242922', accessToken: 'x', defaultTemplateName: 'Not A Name' },
      },
    });
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('defaultTemplateName');
    expect(response.body).not.toContain('"x"');
  });
});
