import { sectionLines } from './sections.ts';
import { canonicalSkill } from './skills.ts';

/**
 * Contact details in a resume's text: email and links (phones: phone.ts). The same patterns tell
 * the LLM scorer what to remove before a resume leaves the machine.
 */
export const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
export const LINK = /(?:\bhttps?:\/\/|\bwww\.)[^\s<>"')\],;]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:\/[^\s<>"')\],;]*)?/giu;

export type Links = {
  linkedin?: string;
  github?: string;
  website?: string;
  other: string[];
};

/** The first email address, in lower case; "jane[at]example.org" and "jane (at) example (dot) org" too. */
export function findEmail(text: string): string | null {
  const deobfuscated = text.replace(/\s*[[(]\s*at\s*[\])]\s*/giu, '@').replace(/\s*[[(]\s*dot\s*[\])]\s*/giu, '.');
  return deobfuscated.match(EMAIL)?.[0].replace(/\.+$/, '').toLowerCase() ?? null;
}

/** The link a piece of text is, as an https URL, or null: without a scheme, "Node.js" or "ASP.NET" are skills and "cv.pdf" a file. */
export function asLink(raw: string): string | null {
  const url = raw.replace(/[.,:;!?]+$/, '');
  const writtenHost = url.replace(/^https?:\/\//i, '').split('/')[0]!;
  if (!/^(?:https?:\/\/|www\.)/i.test(url)) {
    // People write their own domains in lower case.
    if (canonicalSkill(url) !== url || /\p{Lu}/u.test(writtenHost) || /\.(?:js|ts|py|pdf|docx?|txt|png|jpe?g)$/i.test(writtenHost)) return null;
    if (!url.includes('/') && !/\.(?:com|org|net|io|dev|me|app|ai|info|[a-z]{2})$/i.test(writtenHost)) return null;
  }
  const normalized = /^https?:\/\//i.test(url) ? url : `https://${url}`;
  return URL.canParse(normalized) ? normalized : null;
}

/** Sites where a link names a person (a profile), not an employer or a school. */
export const PROFILE_HOSTS =
  /(?:^|\.)(?:linkedin\.com|github\.com|gitlab\.com|bitbucket\.org|twitter\.com|x\.com|stackoverflow\.com|medium\.com|dev\.to|behance\.net|dribbble\.com|kaggle\.com|scholar\.google\.[a-z.]+|orcid\.org|researchgate\.net|youtube\.com|instagram\.com|facebook\.com|fb\.co|quora\.com|leetcode\.com|hackerrank\.com|codepen\.io|huggingface\.co|mastodon\.social|about\.me|linktr\.ee|github\.io|gitlab\.io|netlify\.app|vercel\.app|pages\.dev|substack\.com|wordpress\.com|blogspot\.com)$/i;
/** Links to papers, maps and course catalogues name no one's profile. */
const NOT_PERSONAL = /(?:^|\.)(?:doi\.org|arxiv\.org|maps\.app\.goo\.gl|goo\.gl|maps\.google\.[a-z.]+)$|^google\.[a-z.]+$/i;
/** Mailbox providers: "gmail.com" alone is part of an address, not a website. */
const MAIL_HOSTS = /^(?:gmail|googlemail|outlook|hotmail|live|yahoo|icloud|me|mail|proton|protonmail|gmx|web|yandex|aol|qq|163|126)\.[a-z.]+$/i;

/** Words that make a link the candidate's own: "LinkedIn", "GitHub", "Website", "Portfolio"… */
export const OWN_LINK_TEXT =
  /linkedin|github|gitlab|website|homepage|home page|portfolio|blog|site|web|personal|scholar|orcid|twitter|mastodon|kaggle|behance|dribbble|researchgate|stack ?overflow|medium|youtube|profile|contact|perfil|webseite|página|sitio/i;

/**
 * LinkedIn, GitHub, a personal site and any other links of the candidate, as https URLs: the
 * printed ones in the contact details (the header, a contact section, next to the email), any
 * printed profile (a LinkedIn or GitHub account, a site on the email's domain), and the link
 * targets the extractor judged the candidate's own (`annotated`). A link in the body to an
 * employer, a school or someone else's repository is not the candidate's.
 */
export function findLinks(text: string, email: string | null, annotated: string[] = []): Links {
  const emailHost = email?.split('@')[1]?.toLowerCase();
  const lines = sectionLines(text);
  const nearEmail = (index: number) => [index - 1, index, index + 1].some((i) => lines[i]?.text.includes('@'));
  const candidates: Array<{ url: string; contact: boolean }> = [];
  for (const [index, line] of lines.entries()) {
    const contact = line.section === 'header' || line.section === 'contact' || nearEmail(index);
    for (const raw of line.text.replace(EMAIL, ' ').match(LINK) ?? []) {
      const url = asLink(raw);
      if (url) candidates.push({ url, contact });
    }
  }
  for (const [index, line] of lines.entries()) {
    if (line.section === 'header' || line.section === 'contact' || nearEmail(index))
      for (const url of handleLinks(line.text)) candidates.push({ url, contact: true });
  }
  for (const target of annotated) if (/^https?:\/\//i.test(target) && URL.canParse(target)) candidates.push({ url: target, contact: true });

  const owner = githubOwner(
    candidates.map((candidate) => candidate.url),
    email,
  );
  // The candidate's own domains: the email's (unless a mailbox provider) and the sites in the contact details; their subdomains are theirs too.
  const ownDomains = [emailHost, ...candidates.filter((c) => c.contact).map((c) => new URL(c.url).hostname.toLowerCase().replace(/^www\./, ''))].filter(
    (host): host is string => Boolean(host) && !MAIL_HOSTS.test(host!) && !PROFILE_HOSTS.test(host!),
  );
  const ownDomain = (host: string) => ownDomains.some((domain) => host === domain || host.endsWith(`.${domain}`));
  const links: Links = { other: [] };
  const seen = new Set<string>();
  for (const { url, contact } of candidates) {
    const parsed = new URL(url);
    const host = parsed.hostname.toLowerCase().replace(/^www\./, '');
    const path = parsed.pathname.replace(/\/+$/, '');
    const key = `${host}${path}`.toLowerCase();
    if (seen.has(key) || MAIL_HOSTS.test(host) || NOT_PERSONAL.test(host) || !host.includes('.')) continue;
    const profile = PROFILE_HOSTS.test(host);
    // A bare profile site ("https://github.com/") is a template's placeholder, not a profile.
    if (profile && path === '' && !/\.(?:io|app|dev)$/.test(host)) continue;
    if (/(^|\.)github\.com$/.test(host)) {
      const [user] = path.split('/').filter(Boolean);
      if (owner && user?.toLowerCase() !== owner) continue;
    } else if (!contact && !profile && !ownDomain(host)) continue;
    seen.add(key);
    if (/(^|\.)linkedin\.com$/.test(host)) links.linkedin ??= url;
    else if (/(^|\.)github\.com$/.test(host) && !links.github) links.github = url;
    else if (!links.website && !profile) links.website = url;
    else links.other.push(url);
  }
  return links;
}

// "GitHub: ada", "twitter: @ada", "LinkedIn: in/ada", "facebook: /ada": a profile printed as a labeled handle.
const HANDLE =
  /(?<![\p{L}\p{N}])(github|gitlab|twitter|x|facebook|instagram|linkedin)\s*[:：]\s*(?:@|\/)?(in\/)?(?=[\w.-]*[A-Za-z])([A-Za-z0-9][\w.-]{0,38}[A-Za-z0-9_])(?![\w.@\/-])/giu;
const HANDLE_HOSTS: Record<string, string> = {
  github: 'github.com',
  gitlab: 'gitlab.com',
  twitter: 'twitter.com',
  x: 'x.com',
  facebook: 'facebook.com',
  instagram: 'instagram.com',
  linkedin: 'linkedin.com/in',
};

function handleLinks(line: string): string[] {
  return [...line.matchAll(HANDLE)].map(([, site, , handle]) => `https://${HANDLE_HOSTS[site!.toLowerCase()]}/${handle}`);
}

/** The candidate's GitHub account: the one linked as a profile, else the owner of most linked repositories. */
function githubOwner(urls: string[], email: string | null): string | undefined {
  const counts = new Map<string, number>();
  const local =
    email
      ?.split('@')[0]
      ?.toLowerCase()
      .replace(/[^a-z0-9]/g, '') ?? '';
  for (const url of urls.map((url) => new URL(url))) {
    if (!/(^|\.)github\.com$/i.test(url.hostname)) continue;
    const parts = url.pathname.split('/').filter(Boolean);
    const user = parts[0]?.toLowerCase();
    // A profile link names the account outright; repositories only vote.
    // An account that shares a run of the email's letters ("fdekeers", francois.dekeersmaeker@…) is the candidate's.
    if (user) counts.set(user, (counts.get(user) ?? 0) + (parts.length === 1 ? 100 : sharesRun(local, user.replace(/[^a-z0-9]/g, ''), 5) ? 10 : 1));
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** Whether `text` contains some run of `length` characters of `part`. */
function sharesRun(text: string, part: string, length: number): boolean {
  for (let i = 0; i + length <= part.length; i += 1) if (text.includes(part.slice(i, i + length))) return true;
  return false;
}
