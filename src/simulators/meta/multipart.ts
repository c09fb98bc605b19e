/** A multipart form as the simulator saw it: text fields and files. */
export interface ParsedForm {
  fields: Record<string, string>;
  files: Record<string, { bytes: Buffer; filename: string; contentType: string }>;
}

/**
 * Parses a multipart/form-data body with the WHATWG `Response.formData()` built into Node's fetch (undici), so the
 * simulator needs no multipart dependency. Answers undefined when the body is not a readable form.
 */
export const parseMultipart = async (body: Buffer, contentType: string): Promise<ParsedForm | undefined> => {
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return undefined;
  }
  const parsed: ParsedForm = { fields: {}, files: {} };
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') parsed.fields[name] = value;
    else
      parsed.files[name] = {
        bytes: Buffer.from(await value.arrayBuffer()),
        filename: value.name,
        contentType: value.type,
      };
  }
  return parsed;
};
