/**
 * A Genesys Notification (WhatsApp template) → Meta `type: template`.
 *
 * Where the name and language come from:
 * - name: Genesys documents `template.id` as "the messaging provider template ID. For WhatsApp, 'namespace@name'"
 *   (ConversationContentNotificationTemplate); the name is what follows the last '@' (an id without '@' is taken
 *   as the name). Meta's Cloud API addresses templates by name and language only; the namespace is not needed.
 * - language: `template.language` with '-' turned into Meta's '_' (en-US → en_US).
 * - Some payloads carry neither (the shared go-gcloudcx fixture). Then the tenant's `templateDefaults` apply when
 *   configured; otherwise the message fails with TemplateNameMissing / TemplateLanguageMissing. Guessing a
 *   template is worse than failing: the customer would receive a different approved message than the agent chose.
 *
 * Parameters become `{type: 'text', text}` in Genesys' order (header parameters to the header component, body to
 * the body). The header, body and footer texts are not sent: Meta renders the approved template itself.
 */
import type { MetaTemplateComponent, MetaTemplateContent, MetaTemplateParameter } from './meta-message';
import type { OutboundTemplate, OutboundTemplateParameter, TransformOptions } from './outbound-content';
import { failure, type PlannedContents, type TransformFailure } from './transform-result';

/** "namespace@name" → "name". */
export const templateNameFromId = (id: string): string => id.slice(id.lastIndexOf('@') + 1);

/** BCP 47 as Genesys writes it (en-US) → Meta's code (en_US): language lower case, region upper case. */
export const metaLanguageCode = (language: string): string => {
  const [primary = '', ...rest] = language.trim().split(/[-_]/);
  return [primary.toLowerCase(), ...rest.map((part) => (part.length === 2 ? part.toUpperCase() : part))].join(
    '_',
  );
};

const parametersOf = (parameters: readonly OutboundTemplateParameter[]): MetaTemplateParameter[] =>
  parameters.map((parameter) => ({ type: 'text', text: parameter.text }));

export const templateContents = (
  template: OutboundTemplate,
  messageText: string | undefined,
  defaults: TransformOptions['templateDefaults'],
): ({ ok: true } & PlannedContents) | TransformFailure => {
  if (template.headerMedia !== undefined) {
    // The header image/video/document would have to be stored and linked like an attachment first.
    return failure('UnsupportedContent', 'templates with a media header are not supported yet');
  }
  const notes: string[] = [];

  const idName = template.id === undefined ? '' : templateNameFromId(template.id).trim();
  const name = idName !== '' ? idName : defaults?.name;
  if (name === undefined || name === '') {
    return failure(
      'TemplateNameMissing',
      'the Notification template has no id and the tenant has no default template',
    );
  }
  if (idName === '')
    notes.push(`template name "${name}" is the tenant default: the Notification carried no id`);

  const language = template.language ?? defaults?.languageCode;
  if (language === undefined || language.trim() === '') {
    return failure(
      'TemplateLanguageMissing',
      'the Notification template has no language and the tenant has no default template language',
    );
  }
  if (template.language === undefined) notes.push(`template language "${language}" is the tenant default`);

  const components: MetaTemplateComponent[] = [];
  if (template.headerParameters.length > 0) {
    components.push({ type: 'header', parameters: parametersOf(template.headerParameters) });
  }
  if (template.bodyParameters.length > 0) {
    components.push({ type: 'body', parameters: parametersOf(template.bodyParameters) });
  }

  const named = [...template.headerParameters, ...template.bodyParameters].flatMap((parameter) =>
    parameter.name === undefined ? [] : [parameter.name],
  );
  if (named.length > 0) {
    notes.push(`template parameters are sent by position; their names are not sent: ${named.join(', ')}`);
  }
  const rendered = [
    ['header', template.headerText],
    ['body', template.bodyText],
    ['footer', template.footerText],
  ].flatMap(([part, text]) => (text === undefined ? [] : [part]));
  if (rendered.length > 0) {
    notes.push(`template ${rendered.join(', ')} text is not sent: Meta renders the approved template`);
  }
  if (messageText !== undefined) {
    notes.push('the message text is not sent separately: the template carries the message');
  }

  const content: MetaTemplateContent = {
    type: 'template',
    template: {
      name,
      language: { code: metaLanguageCode(language) },
      ...(components.length === 0 ? {} : { components }),
    },
  };
  return { ok: true, contents: [content], notes };
};
