/**
 * The sections of a resume, found by their headings. Dates count as experience only in the
 * experience section (not in education), and ambiguous skill names ("Go", "R") count only in a
 * list of skills, so both need to know which section a line belongs to.
 */
export type SectionKind = 'header' | 'contact' | 'experience' | 'education' | 'skills' | 'other';

const HEADINGS: Record<Exclude<SectionKind, 'header'>, string[]> = {
  experience: [
    'experience', 'work experience', 'professional experience', 'relevant experience', 'employment', 'employment history',
    'work history', 'career history', 'career', 'professional background', 'berufserfahrung', 'berufliche erfahrung',
    'erfahrung', 'expérience', 'expériences', 'expérience professionnelle', 'expériences professionnelles', 'experiencia',
    'experiencia laboral', 'experiencia profesional', 'esperienza', 'esperienza lavorativa', 'esperienze lavorative',
  ],
  education: [
    'education', 'education and training', 'education & training', 'academic background', 'academic history',
    'ausbildung', 'bildung', 'bildungsweg', 'studium', 'formation', 'éducation', 'educación', 'formación', 'istruzione', 'formazione',
  ],
  skills: [
    'skills', 'technical skills', 'key skills', 'core skills', 'core competencies', 'competencies', 'skills & tools',
    'skills and tools', 'tools', 'technologies', 'tech stack', 'expertise', 'areas of expertise', 'kenntnisse', 'fähigkeiten',
    'compétences', 'habilidades', 'competenze', 'languages', 'programming languages', 'sprachen', 'langues', 'idiomas', 'lingue',
  ],
  contact: ['contact', 'contact details', 'contact information', 'personal details', 'personal information', 'kontakt', 'persönliche daten', 'coordonnées', 'contacto', 'datos personales', 'contatti'],
  other: [
    'summary', 'profile', 'professional summary', 'about', 'about me', 'objective', 'career objective', 'projects',
    'certifications', 'certificates', 'publications', 'awards', 'honors', 'honours', 'interests', 'hobbies', 'references',
    'volunteering', 'volunteer experience', 'courses', 'training',
    'achievements', 'profil', 'zusammenfassung', 'projekte', 'projets', 'resumen', 'perfil', 'proyectos',
  ],
};

const KIND_OF = new Map<string, SectionKind>(
  Object.entries(HEADINGS).flatMap(([kind, names]) => names.map((name) => [name, kind as SectionKind] as const)),
);

/** A heading may be decorated ("— EXPERIENCE —", "Skills:") and is short. */
function headingKind(line: string): SectionKind | undefined {
  const bare = line.replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, '').replace(/\s+/g, ' ').toLowerCase();
  return bare.length > 0 && bare.length <= 40 ? KIND_OF.get(bare) : undefined;
}

export interface Line {
  text: string;
  section: SectionKind;
}

/**
 * Each non-heading line with the section it belongs to. An inline heading ("Skills: Go, Rust")
 * sets the section for its own line only; lines before the first heading are the header.
 */
export function sectionLines(text: string): Line[] {
  const lines: Line[] = [];
  let section: SectionKind = 'header';
  for (const raw of text.split('\n')) {
    const kind = headingKind(raw);
    if (kind) {
      section = kind;
      continue;
    }
    const inline = /^\s*([\p{L} &]{2,30}?)\s*:\s*(\S.*)$/u.exec(raw);
    const inlineKind = inline ? headingKind(inline[1]!) : undefined;
    lines.push({ text: raw, section: inlineKind ?? section });
  }
  return lines;
}
