/**
 * The ECS registered-domain field beside a domain field, or undefined: `url.domain` ->
 * `url.registered_domain`, `dns.question.name` -> `dns.question.registered_domain`, and any
 * `<object>.domain` -> `<object>.registered_domain` (`source`, `destination`, `client`,
 * `server`). ECS fills it with the registered domain of the name beside it (the
 * `registered_domain` ingest processor, Beats/Agent), so all subdomains of `evil.example`
 * share `evil.example` there. `related.hosts` and `tls.client.server_name` have none.
 */
export function registeredDomainField(field: string): string | undefined {
  if (field === 'dns.question.name') return 'dns.question.registered_domain';
  const dot = field.lastIndexOf('.');
  if (dot <= 0 || field.slice(dot + 1) !== 'domain') return undefined;
  return `${field.slice(0, dot)}.registered_domain`;
}
