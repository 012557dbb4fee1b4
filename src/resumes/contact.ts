import { headingKind, sectionLines, type Line, type SectionKind } from './sections.ts';
import { canonicalSkill } from './skills.ts';

/**
 * Contact details in a resume's text: email and links (phones: phone.ts). The same patterns tell
 * the LLM scorer what to remove before a resume leaves the machine.
 */
export const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
// A separator glued to a URL ("linkedin.com/in/ada|", "ada.dev•") ends it.
export const LINK = /(?:\bhttps?:\/\/|\bwww\.)[^\s<>"')\],;|•·]+|\b[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.[a-z]{2,}(?:\/[^\s<>"')\],;|•·]*)?/giu;

export type Links = {
  linkedin?: string;
  github?: string;
  website?: string;
  other: string[];
};

/** "jane[at]example.org", "jane (at) example (dot) org": an address written so that robots miss it. */
const deobfuscate = (text: string) => text.replace(/\s*[[(]\s*at\s*[\])]\s*/giu, '@').replace(/\s*[[(]\s*dot\s*[\])]\s*/giu, '.');

/** A references section: the addresses in it are referees'. */
const REFERENCES_HEADING = /^(?:references?|referees?|referências|referencias|références|referenzen|referenze|referencje|referanslar|рекомендации)$/iu;
/** A line that introduces someone else: a supervisor, an advisor, a referee ("Orientador: Prof. …"). */
const REFEREE =
  /(?<!\p{L})(?:orientador[a]?|coorientador[a]?|supervisor|supervised by|advisor|adviser|referee|reference|mentor|betreuer(?:in)?|encadrant|directeur de thèse|director de tesis|directora de tesis|tutor|научный руководитель|руководитель)(?!\p{L})/iu;

/**
 * The candidate's email address, in lower case ("jane[at]example.org" and "jane (at) example (dot) org" too): of
 * several, the one in the header or contact details, else the one that spells part of the candidate's `name`,
 * else the first outside a references section and not next to a supervisor's or referee's line, else the first.
 */
export function findEmail(text: string, name?: string | null): string | null {
  const found: Array<{ email: string; section: SectionKind | 'references'; referee: boolean }> = [];
  const lines = deobfuscate(text).split('\n');
  let section: SectionKind | 'references' = 'header';
  for (const [index, line] of lines.entries()) {
    const kind = line.includes('@') ? undefined : headingKind(line);
    if (kind) {
      section = REFERENCES_HEADING.test(line.replace(/[\s\p{P}\p{S}]+/gu, ' ').trim()) ? 'references' : kind;
      continue;
    }
    const referee = lines.slice(Math.max(0, index - 1), index + 1).some((nearby) => REFEREE.test(nearby));
    for (const match of line.matchAll(EMAIL)) found.push({ email: match[0].replace(/\.+$/, '').toLowerCase(), section, referee });
  }
  const names = (name ?? '')
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .split(/[^a-z]+/)
    .filter((word) => word.length >= 4);
  const spellsName = (email: string) => names.some((word) => sharesRun(email.split('@')[0]!.replace(/[^a-z]/g, ''), word, Math.min(5, word.length)));
  const choice =
    found.find((entry) => (entry.section === 'header' || entry.section === 'contact') && !entry.referee) ??
    found.find((entry) => spellsName(entry.email)) ??
    found.find((entry) => entry.section !== 'references' && !entry.referee) ??
    found[0];
  return choice?.email ?? null;
}

/**
 * The link a piece of text is, as an https URL, or null: without a scheme, "Node.js" or "ASP.NET"
 * are skills and "cv.pdf" a file. A bare host with an unusual ending counts when it is `ownHost`
 * (the email's domain: "me@johndoe.gtld" makes "johndoe.gtld" a site).
 */
export function asLink(raw: string, ownHost?: string, inContact = false): string | null {
  const url = raw.replace(/[.,:;!?|•·]+$/, '');
  const writtenHost = url.replace(/^https?:\/\//i, '').split('/')[0]!;
  if (!/^(?:https?:\/\/|www\.)/i.test(url)) {
    // People write their own domains in lower case.
    if (canonicalSkill(url) !== url || /\p{Lu}/u.test(writtenHost) || /\.(?:js|ts|py|pdf|docx?|txt|png|jpe?g)$/i.test(writtenHost)) return null;
    // In the contact details a bare host with any ending is a site ("ada.tech", "ada.engineer"): nothing else there is written so.
    const ending = inContact ? /\.(?!(?:edu|gov|mil)$)[a-z]{2,12}$/i : /\.(?:com|org|net|io|dev|me|app|ai|info|[a-z]{2})$/i;
    if (!url.includes('/') && !ending.test(writtenHost) && writtenHost.toLowerCase() !== ownHost) return null;
  }
  const normalized = /^https?:\/\//i.test(url) ? url : `https://${url}`;
  return URL.canParse(normalized) ? normalized : null;
}

/** Sites where the path names a person's account (a profile), not an employer or a school. */
export const ACCOUNT_HOSTS =
  /(?:^|\.)(?:linkedin\.com|github\.com|gitlab\.com|bitbucket\.org|twitter\.com|x\.com|stackoverflow\.com|medium\.com|dev\.to|behance\.net|dribbble\.com|kaggle\.com|scholar\.google\.[a-z.]+|orcid\.org|researchgate\.net|semanticscholar\.org|dblp\.org|dblp\.uni-trier\.de|youtube\.com|instagram\.com|facebook\.com|fb\.co|quora\.com|leetcode\.com|hackerrank\.com|codepen\.io|huggingface\.co|mastodon\.social|about\.me|linktr\.ee)$/i;
/**
 * Platforms that host anyone's site (`ada.github.io`, `sites.google.com/view/ada`): a link there is
 * someone's, but not the candidate's by its host alone — a course page or a co-author's site looks the same.
 */
const SITE_HOSTS =
  /(?:^|\.)(?:github\.io|gitlab\.io|netlify\.app|vercel\.app|pages\.dev|substack\.com|wordpress\.com|blogspot\.com|sites\.google\.com|wixsite\.com|notion\.site|herokuapp\.com)$/i;
/** Sites where a link names a person: their account, or a site on a hosting platform. */
export const PROFILE_HOSTS = new RegExp(`${ACCOUNT_HOSTS.source}|${SITE_HOSTS.source}`, 'i');
/** Links to papers, maps and course catalogues name no one's profile. */
const NOT_PERSONAL = /(?:^|\.)(?:doi\.org|arxiv\.org|maps\.app\.goo\.gl|goo\.gl|maps\.google\.[a-z.]+)$|^google\.[a-z.]+$/i;
/** Mailbox providers: "gmail.com" alone is part of an address, not a website. */
const MAIL_HOSTS = /^(?:gmail|googlemail|outlook|hotmail|live|yahoo|icloud|me|mail|proton|protonmail|gmx|web|yandex|aol|qq|163|126)\.[a-z.]+$/i;

/** Words that make a link the candidate's own: "LinkedIn", "GitHub", "Website", "Portfolio", "Credential"… */
export const OWN_LINK_TEXT =
  /linkedin|github|gitlab|website|homepage|home page|portfolio|blog|site|web|personal|scholar|orcid|twitter|mastodon|kaggle|behance|dribbble|researchgate|stack ?overflow|medium|youtube|profile|contact|credential|perfil|webseite|página|sitio|博客|主页|個人|ブログ/i;

/** Words that name an entry's own page ("Project Website", "Paper", "Demo"): the entry's link, not the candidate's profile. */
const ENTRY_LINK_TEXT = /(?<!\p{L})(?:project|paper|demo|slides|poster|thesis|report|dataset|preprint|article|publication|app store|play store)(?!\p{L})/iu;

/**
 * The link a link annotation or hyperlink gives the candidate, or null when it points elsewhere (an
 * employer, a school, a paper). It is theirs when it goes to an account on a profile site, sits on
 * an icon, on words such as "LinkedIn" or "Portfolio", on a handle that its path names ("deedydas"
 * on github.com/deedydas), or in the document's header (`inHeader`). A template's bare
 * "https://github.com/" on the handle "JohnDoe" is that account.
 */
export function ownAnchor(target: string, text: string, inHeader: boolean): string | null {
  if (!/^https?:\/\//i.test(target) || !URL.canParse(target)) return null;
  const url = new URL(target);
  if (!url.hostname.includes('.')) return null;
  const words = text.replace(/[\ue000-\uf8ff]/g, '').trim();
  const handle = words.replace(/^@/, '').replace(/\s+/g, '').toLowerCase();
  if (ACCOUNT_HOSTS.test(url.hostname) && url.pathname.replace(/\/+$/, '') === '' && /^@?[a-z0-9][\w.-]{1,38}$/i.test(words) && !/\.[a-z]{2,}$/i.test(words))
    return `${url.origin}/${words.replace(/^@/, '')}`;
  // A profile (github.com/ada, linkedin.com/in/ada) is the candidate's; a repository, a paper or a project page on the same
  // sites is an entry's link, theirs only in the header.
  const repository = /(?:^|\.)(?:github\.com|gitlab\.com|bitbucket\.org)$/i.test(url.hostname) && url.pathname.split('/').filter(Boolean).length >= 2;
  if (repository || (!inHeader && ENTRY_LINK_TEXT.test(words))) return inHeader ? target : null;
  // An icon covers no letters, or a stray one; "x p" is the edges of two words a link's box overlaps, not an icon.
  const icon = handle.length <= 2 && !/\s/.test(words);
  // On a profile site, a person's name written out ("Dr Jan Novak") in the body is a supervisor's or a co-author's profile.
  const someonesName = !inHeader && /^(?:\p{Lu}[\p{Ll}.]*\.?\s+){1,3}\p{Lu}[\p{Ll}'’-]+\.?$/u.test(words) && !OWN_LINK_TEXT.test(words);
  if ((ACCOUNT_HOSTS.test(url.hostname) && !someonesName) || icon || OWN_LINK_TEXT.test(words)) return target;
  // A handle is one word that names the account (its first path segment): a person's full name on a link to their site
  // is a co-author's as often as the candidate's, and a project's name on its repository is the project's.
  const account = safeDecode(url.pathname).toLowerCase().split('/').filter(Boolean)[0] ?? '';
  if (handle.length >= 3 && !/\s/.test(words) && account.includes(handle)) return target;
  return inHeader ? target : null;
}

const safeDecode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/**
 * The site a personal host belongs to: "blog.ada.dev" is ada.dev's ("co.uk"-style endings kept),
 * so the other subdomains of a site in the contact details are the candidate's too. A hosting
 * platform or a mailbox provider is nobody's site.
 */
function siteOf(host: string): string {
  const labels = host.split('.');
  const size = labels.length >= 3 && /^[a-z]{2}$/.test(labels.at(-1)!) && /^(?:co|com|ac|org|net|gov|edu|ne|or)$/.test(labels.at(-2)!) ? 3 : 2;
  const site = labels.slice(-size).join('.');
  return PROFILE_HOSTS.test(site) || MAIL_HOSTS.test(site) || /^google\.|^(?:amazonaws|azurewebsites|cloudfront)\./.test(site) ? host : site;
}

/**
 * A URL broken over two lines by a narrow column ("github.com/ada/to-do-for-" / "students"): a
 * line that ends in a link ending with "/" or "-" continues with the next line's first word when
 * that word is made of URL characters only.
 */
function joinWrappedUrls(lines: Line[]): Line[] {
  const result = lines.map((line) => ({ ...line }));
  for (let index = 0; index + 1 < result.length;) {
    const [current, next] = [result[index]!, result[index + 1]!];
    const end = /(?:https?:\/\/|www\.|\.[a-z]{2,}\/)\S*([/-])$/i.exec(current.text);
    // After a slash, a word alone could be the next line's text ("University"): only a piece of a path continues it.
    const head = end && /^([a-z0-9][\w.~%/-]*)(?=\s|$)/.exec(next.text);
    if (!head || (end[1] === '/' && !(/[\d/_.-]/.test(head[1]!) && /[a-z]/i.test(head[1]!)))) {
      index += 1;
      continue;
    }
    current.text += head[1];
    next.text = next.text.slice(head[1]!.length).trimStart();
    if (!next.text) result.splice(index + 1, 1);
  }
  return result;
}

/**
 * LinkedIn, GitHub, a personal site and any other links of the candidate, as https URLs: the
 * printed ones in the contact details (the header, a contact section, next to the email), any
 * printed profile (a LinkedIn or GitHub account, a site on the email's domain or on the site of
 * the contact details, a page whose path names the candidate's account), and the link targets the
 * extractor judged the candidate's own (`annotated`). A link in the body to an employer, a school
 * or someone else's repository is not the candidate's.
 */
export function findLinks(text: string, email: string | null, annotated: string[] = []): Links {
  const emailHost = email?.split('@')[1]?.toLowerCase();
  const lines = joinWrappedUrls(sectionLines(deobfuscate(text)));
  // Next to the candidate's address, or two lines from it past an address or phone line (short, with digits, no link):
  // a contact block. Another address (a referee's) makes no contact block.
  const hasEmail = (i: number) => Boolean(email) && Boolean(lines[i]?.text.toLowerCase().includes(email!));
  const addressLine = (i: number) => {
    const text = lines[i]?.text ?? '';
    return text.length <= 60 && /\d/.test(text) && !text.match(LINK);
  };
  const nearEmail = (index: number) =>
    [index - 1, index, index + 1].some(hasEmail) || (hasEmail(index - 2) && addressLine(index - 1)) || (hasEmail(index + 2) && addressLine(index + 1));
  const candidates: Array<{ url: string; contact: boolean }> = [];
  for (const [index, line] of lines.entries()) {
    const contact = line.section === 'header' || line.section === 'contact' || nearEmail(index);
    const bare = line.text.replace(EMAIL, ' ');
    for (const match of bare.matchAll(LINK)) {
      const url = asLink(match[0], emailHost, contact);
      // "Blog: http://…", "技术博客: blog.ada.me": a link its label calls the candidate's.
      const label = /([^\s•·|,;:：]{1,20}(?:\s[^\s•·|,;:：]{1,20})?)\s*[:：]\s*$/u.exec(bare.slice(0, match.index))?.[1];
      if (url) candidates.push({ url, contact: contact || Boolean(label && OWN_LINK_TEXT.test(label)) });
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
  const accounts = new Set(
    [owner, ...candidates.filter((c) => c.contact).map((c) => accountOf(new URL(c.url)))].filter((name): name is string => Boolean(name)),
  );
  // The candidate's own domains: the email's (unless a mailbox provider) and the sites in the contact details; their subdomains are theirs too.
  const contactHosts = candidates.filter((c) => c.contact).map((c) => new URL(c.url));
  const ownDomains = [
    emailHost,
    ...contactHosts.map((url) => hostOf(url.hostname)).map((host, i) => (contactHosts[i]!.pathname.replace(/\/+$/, '') ? host : siteOf(host))),
  ].filter((host): host is string => Boolean(host) && !MAIL_HOSTS.test(host!) && !PROFILE_HOSTS.test(host!));
  const ownDomain = (host: string) => ownDomains.some((domain) => host === domain || host.endsWith(`.${domain}`));
  const links: Links = { other: [] };
  const seen = new Set<string>();
  for (const { url, contact } of candidates) {
    const parsed = new URL(url);
    const host = hostOf(parsed.hostname);
    const path = parsed.pathname.replace(/\/+$/, '');
    const key = `${host}${path}`.toLowerCase();
    if (seen.has(key) || MAIL_HOSTS.test(host) || NOT_PERSONAL.test(host) || !host.includes('.')) continue;
    const profile = PROFILE_HOSTS.test(host);
    // A bare profile site ("https://github.com/") is a template's placeholder, not a profile.
    if (profile && path === '' && !/\.(?:io|app|dev)$/.test(host)) continue;
    // A page whose path names the candidate's account ("freecodecamp.org/certification/ada/…") is theirs.
    const named = path.split('/').some((segment) => segment.length >= 4 && accounts.has(segment.toLowerCase()));
    if (/(^|\.)github\.com$/.test(host)) {
      const [user] = path.split('/').filter(Boolean);
      if (owner && user?.toLowerCase() !== owner) continue;
    } else if (!contact && !profile && !ownDomain(host) && !named) continue;
    seen.add(key);
    if (/(^|\.)linkedin\.com$/.test(host)) links.linkedin ??= url;
    else if (/(^|\.)github\.com$/.test(host) && !links.github) links.github = url;
    else if (!links.website && !profile) links.website = url;
    else links.other.push(url);
  }
  return links;
}

const hostOf = (hostname: string) => hostname.toLowerCase().replace(/^www\./, '');

/** The account a profile URL names ("github.com/ada" → "ada", "linkedin.com/in/ada" → "ada"). */
function accountOf(url: URL): string | undefined {
  if (!ACCOUNT_HOSTS.test(url.hostname)) return undefined;
  const parts = url.pathname.split('/').filter(Boolean);
  const account = /linkedin\./i.test(url.hostname) ? parts[1] : parts[0];
  return account && parts.length <= 2 ? account.toLowerCase() : undefined;
}

// "GitHub: ada", "twitter: @ada", "LinkedIn: in/ada", "facebook: /ada": a profile printed as a labeled handle.
const HANDLE =
  /(?<![\p{L}\p{N}])(github|gitlab|twitter|x|facebook|instagram|linkedin)\s*[:：]\s*(?:@|\/)?(in\/)?(?=[\w.-]*[A-Za-z])([A-Za-z0-9][\w.-]{0,38}[A-Za-z0-9_])(?![\w.@/-])/giu;
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
