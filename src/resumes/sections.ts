/**
 * The sections of a resume, found by their headings. Dates count as experience only in the
 * experience section (not in education), and ambiguous skill names ("Go", "R") count only in a
 * list of skills, so both need to know which section a line belongs to.
 */
/**
 * `research`: research or teaching positions — jobs, but counted as experience only in a resume
 * that lists no other work.
 */
export type SectionKind = 'header' | 'contact' | 'experience' | 'research' | 'teaching' | 'education' | 'skills' | 'languages' | 'other';

const HEADINGS: Record<Exclude<SectionKind, 'header'>, string[]> = {
  experience: [
    'опыт работы',
    'опыт',
    'трудовая деятельность',
    'досвід роботи',
    'досвід',
    'doświadczenie',
    'doświadczenie zawodowe',
    'iş deneyimi',
    'deneyim',
    'pracovní zkušenosti',
    'arbetslivserfarenhet',
    'arbejdserfaring',
    'arbeidserfaring',
    'werkervaring',
    'experiență profesională',
    'cargos',
    'cargos actuales',
    'cargos desempeñados',
    'cargos anteriores',
    'experiencia docente y profesional',
    'antecedentes laborales',
    'trayectoria profesional',
    'experience',
    'work experience',
    'professional experience',
    'relevant experience',
    'employment',
    'employment history',
    'work history',
    'career history',
    'career',
    'professional background',
    'berufserfahrung',
    'berufliche erfahrung',
    'erfahrung',
    'expérience',
    'expériences',
    'expérience professionnelle',
    'expériences professionnelles',
    'experiencia',
    'experiencia laboral',
    'experiencia profesional',
    'esperienza',
    'esperienza lavorativa',
    'esperienze lavorative',
    'experiência',
    'experiência profissional',
    'experiências',
    'histórico profissional',
    'work',
    'jobs',
    'professional history',
    'werdegang',
    'beruflicher werdegang',
    'berufstätigkeit',
    'berufstätigkeiten',
    'berufliche tätigkeit',
    'berufliche tätigkeiten',
    'berufliche laufbahn',
    'berufspraxis',
    'tätigkeiten',
    'position',
    'position held',
    'positions held',
    'current position',
    'employment record',
    'internship',
    'internships',
    'praktikum',
    'praktika',
    'stages',
    'prácticas',
    'estágio',
    'estágios',
    'tirocinio',
    'praxiserfahrung',
    'parcours professionnel',
    '工作经历',
    '工作经验',
    '实习经历',
    '实习/项目经历',
    '工作經歷',
    '職歴',
    '職務経歴',
    '経歴',
    '경력',
    '경력사항',
    'الخبرات',
    'الخبرة',
    'ניסיון תעסוקתי',
    'अनुभव',
    // Indonesian and Malay, Vietnamese.
    'pengalaman',
    'pengalaman kerja',
    'pengalaman profesional',
    'pengalaman bekerja',
    'kinh nghiệm',
    'kinh nghiệm làm việc',
  ],
  education: [
    'образование',
    'освіта',
    'wykształcenie',
    'edukacja',
    'eğitim',
    'vzdělání',
    'utbildning',
    'uddannelse',
    'utdanning',
    'opleiding',
    'educație',
    'education',
    'education and training',
    'education & training',
    'academic background',
    'academic history',
    'ausbildung',
    'bildung',
    'bildungsweg',
    'studium',
    'formation',
    'éducation',
    'educación',
    'formación',
    'istruzione',
    'formazione',
    'formação',
    'formação acadêmica',
    'formação académica',
    'educação',
    'formación académica',
    'schulbildung',
    'akademischer werdegang',
    'education background',
    'academic qualifications',
    'qualifications',
    '教育背景',
    '教育经历',
    '学历',
    '学歴',
    '학력',
    'التعليم',
    'השכלה',
    'शिक्षा',
    'pendidikan',
    'riwayat pendidikan',
    'học vấn',
    'trình độ học vấn',
  ],
  skills: [
    'навыки',
    'ключевые навыки',
    'профессиональные навыки',
    'навички',
    'umiejętności',
    'yetenekler',
    'beceriler',
    'dovednosti',
    'kompetenser',
    'vaardigheden',
    'skills',
    'technical skills',
    'key skills',
    'core skills',
    'core competencies',
    'competencies',
    'skills & tools',
    'skills and tools',
    'tools',
    'technologies',
    'tech stack',
    'expertise',
    'areas of expertise',
    'kenntnisse',
    'fähigkeiten',
    'compétences',
    'habilidades',
    'competenze',
    'programming languages',
    'competências',
    'competências técnicas',
    'habilidades técnicas',
    'conhecimentos',
    'tecnologias',
    'ferramentas',
    'conocimientos',
    'herramientas',
    'tecnologías',
    'compétences techniques',
    'outils',
    'it-kenntnisse',
    'technische fähigkeiten',
    'fertigkeiten',
    'skills summary',
    'skill set',
    'skillset',
    'technical proficiencies',
    'technical expertise',
    'tools & technologies',
    'tools and technologies',
    'software',
    'computer skills',
    'it skills',
    'technical skills and tools',
    'relevant skills',
    '专业技能',
    '技能',
    '技能清单',
    '技術',
    'スキル',
    '技術スキル',
    '資格',
    '기술',
    '보유 기술',
    'المهارات',
    'כישורים',
    'कौशल',
    'keahlian',
    'keterampilan',
    'kemampuan',
    'kỹ năng',
  ],
  research: [
    'research',
    'research experience',
    'research positions',
    'academic experience',
    'research and teaching',
    'research & teaching',
    'academic positions',
    'positions',
    'appointments',
    'académique',
    'investigación',
    'forschung',
  ],
  // Courses taught: work, but counted only in a resume that lists neither other work nor research positions.
  teaching: ['teaching', 'teaching experience', 'teaching positions', 'lehrerfahrung', 'enseignement', 'docencia', 'docência'],
  // Spoken languages, or programming ones: matched as a list, but an unknown item is no skill ("Irish").
  languages: [
    'языки',
    'знание языков',
    'мови',
    'języki',
    'diller',
    'languages',
    'language',
    'language skills',
    'sprachen',
    'sprachkenntnisse',
    'langues',
    'idiomas',
    'lingue',
    'línguas',
    '语言',
    '語学',
    '언어',
  ],
  contact: [
    'contact',
    'contact details',
    'contact information',
    'contact info',
    'personal details',
    'personal information',
    'personal info',
    'kontakt',
    'persönliche daten',
    'coordonnées',
    'contacto',
    'datos personales',
    'contatti',
  ],
  other: [
    'summary',
    'profile',
    'professional summary',
    'about',
    'about me',
    'objective',
    'career objective',
    'projects',
    'certifications',
    'certificates',
    'publications',
    'awards',
    'honors',
    'honours',
    'interests',
    'hobbies',
    'references',
    'volunteering',
    'volunteer experience',
    'ehrenamt',
    'ehrenamtliches engagement',
    'ehrenamtliche tätigkeit',
    'ehrenamtliche tätigkeiten',
    'bénévolat',
    'voluntariado',
    'volontariato',
    'courses',
    'training',
    'achievements',
    'profil',
    'zusammenfassung',
    'projekte',
    'projets',
    'resumen',
    'perfil',
    'proyectos',
  ],
};

const KIND_OF = new Map<string, SectionKind>(Object.entries(HEADINGS).flatMap(([kind, names]) => names.map((name) => [name, kind as SectionKind] as const)));

// Headings not in the lists, told by their words: "Selected Experience", "Work & Research
// Experience", "Industry Experience". Experience of other kinds (research, teaching, volunteering,
// leadership, projects, service as in "Service Experience" but not "Customer Service Experience") is not work.
const WORK_WORDS =
  /(?<!\p{L})(?:experiences?|employment|work history|berufserfahrung|erfahrung|expériences?|experiencias?|experiências?|esperienz[ae])(?!\p{L})/iu;
// In the languages of the heading lists too ("Experiencia Académica", "Experiência em Pesquisa", "Wissenschaftliche Tätigkeit").
const RESEARCH =
  /(?<!\p{L})(?:research|academic|académique|académica|académico|acadêmica|acadêmico|accademica|accademico|akademische|wissenschaftliche|forschung|recherche|investigación|investigacion|pesquisa|ricerca)(?!\p{L})/iu;
// An internship is a job, a research one too ("Research Internship", "Internships & Work").
const INTERNSHIP = /(?<!\p{L})(?:internships?|praktik(?:um|a)|stages|prácticas|estágios?|tirocini|tirocinio)(?!\p{L})/iu;
const TEACHING = /(?<!\p{L})(?:teaching)(?!\p{L})/iu;
const NOT_WORK =
  /(?<!\p{L})(?:volunteer(?:ing)?|voluntary|ehrenamt\p{L}*|bénévole|voluntari[oa]|volontari[oa]|leadership|project|projects|extracurricular|international|other|additional|community|service(?<!(?:customer|client|food|field|guest) service))(?!\p{L})/iu;
// In the languages of the heading lists too ("Istruzione e formazione", "Opleiding en cursussen", "Eğitim Bilgileri", "Antecedentes académicos y formativos").
const EDUCATION_WORDS =
  /(?<!\p{L})(?:education|formations?|educación|educação|formação|formación|formazione|istruzione|académicos|académicas|ausbildung|weiterbildung|bildung|studium|studien|opleidingen|opleiding|onderwijs|eğitim|öğrenim|edukacja|wykształcenie|vzdělání|utbildning|uddannelse|utdanning|образование|освіта)(?!\p{L})/iu;
// What else an education heading says ("Education & Coursework", "Higher Education"); anything else
// makes a name ("Education First" is a company, "formation into formats" a sentence).
const EDUCATION_COMPANIONS =
  /^(?:and|und|et|y|e|en|ve|i|a|och|og|и|higher|formal|academic|antecedentes|formativos|formativas|university|schulische|berufliche|coursework|courses?|certifications?|certificates?|training|qualifications?|history|background|details|honou?rs|awards|research|professionnelle|académique|acadêmica|académica|akademische|accademica|scolastica|professionale|complementar|complementaria|diplômes|diplomi|titoli|di|studio|cursos|corsi|cours|kurse|cursussen|bilgileri|bilgiler|sertifikalar|kurslar)$/iu;
const SKILL_WORDS = /(?<!\p{L})(?:skills|competencies|technologies|kenntnisse|compétences|competências|competencias|competenze|habilidades)(?!\p{L})/iu;
// What else a skills heading says ("Technical Skills & Tools", "Other Technologies"); anything else
// makes a name ("NewSpace Research and Technologies" is an employer).
const SKILL_COMPANIONS =
  /^(?:and|und|et|y|e|of|my|key|core|technical|professional|relevant|other|additional|sonstige|weitere|besondere|autres|otras|outras|altre|soft|hard|computer|it|digital|software|programming|languages?|tools|frameworks|platforms|libraries|summary|areas?|expertise|transferable|interpersonal|personal|general|selected|main|top|useful|skills|competencies|technologies|kenntnisse|compétences|competências|competencias|competenze|habilidades|techniques|técnicas|technische|fachliche|informatiche|tecniche|digitali|informatiques|numériques|informáticas|digitales|digitais)$/iu;

// Headings of sections that are neither work nor skills, told by their words: "Papers/Publications",
// "Invited Talks", "Achievements/Certifications", "Honors & Awards".
const OTHER_WORDS =
  /^(?:publications?|papers|talks|presentations|posters|awards|honou?rs|achievements|certifications?|certificates|patents|grants|projects|activities|interests|hobbies|references|referees|volunteering|memberships?|affiliations|conferences|scholarships|fellowships|distinctions|leadership|publikationen|projekte|auszeichnungen|publications|projets|prix|publicaciones|proyectos|premios|publicações|projetos|prêmios|referências|referencias|références|referenzen|referenze|referencje|referanslar|рекомендации)$/iu;
const OTHER_COMPANIONS =
  /^(?:and|und|et|y|e|of|selected|invited|recent|personal|academic|professional|conference|journal|peer-reviewed|refereed|other|additional|key|side|open|source|fun|facts|research|relevant|notable|major|talks|awards|civil|society|community|social|extracurricular|volunteer|student|campus|club)$/iu;

/** A heading may be decorated ("— EXPERIENCE —", "Skills:", "E X P E R I E N C E") and is short. */
export function headingKind(line: string): SectionKind | undefined {
  // Every line of a resume is asked several times (sections, skills, links, names): answers are kept.
  if (HEADING_CACHE.has(line)) return HEADING_CACHE.get(line);
  if (HEADING_CACHE.size > 20_000) HEADING_CACHE.clear();
  const kind = readHeading(line);
  HEADING_CACHE.set(line, kind);
  return kind;
}

const HEADING_CACHE = new Map<string, SectionKind | undefined>();

/**
 * `byShape`: also a heading told only by being written as one, every word capitalised and the last a
 * heading word ("Civil Society Activities") — true for a line, not for words put together from two lines.
 */
function readHeading(line: string, byShape = true): SectionKind | undefined {
  const bare = line
    .replace(/^\s*(?:\d{1,2}|[IVX]{1,4})[.)]\s+/u, '')
    .replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, '')
    .replace(/\s+/g, ' ')
    .toLowerCase()
    // A Turkish dotted capital İ lowers to "i" and a combining dot ("İş Deneyimi").
    .replace(/i\u0307/g, 'i');
  if (bare.length === 0 || bare.length > 40) return undefined;
  return kindOf(bare, line, byShape) ?? (bare === respelled(bare) ? undefined : kindOf(respelled(bare), line, byShape));
}

/**
 * Long heading words are often misspelled ("Work Experince", "Schulische Ausbuilding"): a word of
 * eight letters or more within one edit of a heading word (two edits from ten letters) is that word.
 * Short words are left alone, where one edit makes another word ("work"/"word").
 */
const LONG_HEADING_WORDS = [
  'experience',
  'experiences',
  'employment',
  'education',
  'ausbildung',
  'weiterbildung',
  'berufserfahrung',
  'erfahrung',
  'qualifications',
  'certifications',
  'publications',
  'achievements',
  'competencies',
  'technologies',
  'professional',
  'experiencia',
  'experiência',
  'expérience',
  'esperienza',
];

function respelled(bare: string): string {
  return bare.replace(/\p{L}{8,}/gu, (word) => {
    if (LONG_HEADING_WORDS.includes(word)) return word;
    const allowed = word.length >= 10 ? 2 : 1;
    return LONG_HEADING_WORDS.find((known) => Math.abs(known.length - word.length) <= allowed && editDistance(word, known) <= allowed) ?? word;
  });
}

/** Levenshtein distance between two short words. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

function kindOf(bare: string, line: string, byShape: boolean): SectionKind | undefined {
  const known = KIND_OF.get(bare) ?? KIND_OF.get(bare.replace(/(?<=^|\s)(\p{L}) (?=\p{L}(?: |$))/gu, '$1'));
  if (known) return known;
  // Told by its words: at most four, only letters ("Datenanalyst @BetaSoft Technologies" is a job), no sentence
  // ("Improved the user experience.").
  if (bare.split(' ').length > 4 || !/^[\p{L}\s&/'’-]+$/u.test(bare) || /\p{L}{2}\.\s*$/u.test(line)) return undefined;
  if (INTERNSHIP.test(bare) && !NOT_WORK.test(bare)) return 'experience';
  // "Volunteer Work", "Community Work", "Project Work": work of a kind that is not a job.
  if (/(?<!\p{L})work$/u.test(bare) && NOT_WORK.test(bare)) return 'other';
  if (WORK_WORDS.test(bare)) {
    if (/\bwork\b/.test(bare)) return 'experience';
    return NOT_WORK.test(bare) ? 'other' : RESEARCH.test(bare) ? 'research' : TEACHING.test(bare) ? 'teaching' : 'experience';
  }
  if (EDUCATION_WORDS.test(bare))
    return bare.split(/[\s&/]+/).every((word) => EDUCATION_WORDS.test(word) || EDUCATION_COMPANIONS.test(word)) ? 'education' : undefined;
  const words = bare.split(/[\s&/,]+/).filter(Boolean);
  // "Skills & Interests", "Languages & Skills": a skills heading shared with another section is a skills heading;
  // its other lines are lists too, and only what is named there counts.
  if (
    words.some((word) => SKILL_WORDS.test(word)) &&
    words.every((word) => SKILL_COMPANIONS.test(word) || OTHER_WORDS.test(word) || OTHER_COMPANIONS.test(word) || KIND_OF.get(word) === 'languages')
  )
    return 'skills';
  if (words.some((word) => OTHER_WORDS.test(word)) && words.every((word) => OTHER_WORDS.test(word) || OTHER_COMPANIONS.test(word))) return 'other';
  // Written as a heading (every word capitalised) and ending with such a word: "Civil Society Activities", "Open Source Projects".
  const written = line.replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, '').split(/\s+/);
  if (byShape && OTHER_WORDS.test(words.at(-1)!) && written.every((word) => /^[\p{Lu}&]/u.test(word))) return 'other';
  if (SKILL_WORDS.test(bare)) return bare.split(/[\s&/,]+/).every((word) => SKILL_COMPANIONS.test(word)) ? 'skills' : undefined;
  return undefined;
}

const WORK_KINDS: SectionKind[] = ['experience', 'research', 'teaching'];
// "Key achievements:" under a job is a label of that job's lines, not a section of its own: inside a work
// section, a line of achievement words that ends with a colon.
const ENTRY_LABEL = /^\s*(?:(?:key|main|major|selected|notable)\s+)?(?:achievements?|accomplishments?)\s*:\s*$/iu;

export interface Line {
  text: string;
  section: SectionKind;
}

/**
 * Each non-heading line with the section it belongs to; lines before the first heading are the
 * header. An inline heading ("Skills: Go, Rust") sets the section for its own line only, unless
 * a column gap follows it ("Jobs␣␣Burgers on Broadway"): a column of headings beside their
 * content, which then runs until the next heading — but a languages row of a skills grid is a row.
 */
export function sectionLines(text: string): Line[] {
  const lines: Line[] = [];
  let section: SectionKind = 'header';
  const raws = splitLabelColumn(text.split('\n'));
  const repeated = repeatedHeadings(raws);
  for (const raw of raws) {
    const kind = repeated.has(raw.trim()) ? undefined : headingKind(raw);
    if (kind && !(WORK_KINDS.includes(section) && ENTRY_LABEL.test(raw))) {
      section = kind;
      continue;
    }
    const inline = /^\s*([\p{L} &/]{2,40}?)\s*(:|：|\s{2})\s*(\S.*)$/u.exec(raw);
    const inlineKind = inline ? headingKind(inline[1]!) : undefined;
    // A row of a skills grid ("Sprachen  Deutsch, Englisch" / "Datenbanken  MySQL") is a category of its section, not a new one.
    const row = section === 'skills' && inlineKind === 'languages';
    if (inlineKind && !row && /\s{2}$/.test(raw.slice(0, raw.length - inline![3]!.length))) section = inlineKind;
    lines.push({ text: raw, section: inlineKind ?? section });
  }
  return lines;
}

/**
 * A heading names its section once: a heading's words printed on a line of their own twice or more
 * ("Tirocinio" as the kind of each entry of a Europass CV, "Key achievements" under each job) are a
 * label inside the entries, not a new section.
 */
function repeatedHeadings(lines: string[]): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const line of lines) {
    const key = line.trim();
    if (!headingKind(key)) continue;
    if (seen.has(key)) repeated.add(key);
    seen.add(key);
  }
  return repeated;
}

/**
 * A column of section labels beside the content, each label's words on the lines of its first
 * entries ("Career  Teaching Assistant …" / "Experience  Oregon State University …"): two lines
 * whose first words together make a heading, and neither alone, are that heading and their
 * contents.
 */
function splitLabelColumn(raw: string[]): string[] {
  const lines: string[] = [];
  for (let index = 0; index < raw.length; index += 1) {
    const [line, next] = [raw[index]!, raw[index + 1]];
    // An entry beside a label starts with a capital or a digit ("Career  Graduate Teaching Assistant"); a sentence does not ("Skilled in …").
    const first = /^\s*(\p{Lu}[\p{L}-]*(?:\s+&)?)\s+([\p{Lu}\p{N}].*)$/u.exec(line);
    const second = next === undefined ? null : /^\s*(\p{Lu}[\p{L}-]*)\s+([\p{Lu}\p{N}].*)$/u.exec(next);
    const label = first && second ? `${first[1]} ${second[1]}` : '';
    // The two words make a heading by what they say, not by their capitals alone ("Morris" / "Honors Geometry" is an entry).
    if (first && second && !headingKind(line) && !headingKind(next!) && readHeading(label, false)) {
      lines.push(label, first[2]!, second[2]!);
      index += 1;
    } else lines.push(line);
  }
  return lines;
}
