import { PDFDocument, StandardFonts } from 'pdf-lib';

/** The EICAR test string (the antivirus test "virus"), split so this file is never flagged itself. */
export const EICAR = ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join('');

export const JOB = {
  title: 'Senior TypeScript Engineer',
  description: 'Build and run the services behind our hiring platform: TypeScript on Node.js, React front ends, PostgreSQL, shipped in Docker containers.',
  skills: ['TypeScript', 'React', 'PostgreSQL', 'Node.js', 'Docker'],
  nice: ['Kubernetes'],
};

function resumeText(name: string, email: string, years: number, skills: string[], summary: string): string {
  return [
    name,
    `${email} · +44 20 7946 0${Math.floor(100 + Math.random() * 800)}`,
    '',
    'Summary',
    summary,
    '',
    'Skills',
    skills.join(', '),
    '',
    'Experience',
    `Software Engineer, Example Ltd (${2025 - years} – 2025)`,
    `- ${years} years building web products with ${skills.slice(0, 3).join(', ') || 'spreadsheets'}.`,
    '',
    'Education',
    'BSc Computer Science, University of Somewhere',
    '',
  ].join('\n');
}

async function pdfOf(text: string): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  let y = 790;
  for (const line of text.replaceAll('–', '-').replaceAll('·', '-').split('\n')) {
    page.drawText(line, { x: 56, y, size: line && y === 790 ? 20 : 11, font });
    y -= line && y === 790 ? 30 : 16;
  }
  return Buffer.from(await pdf.save());
}

export interface ResumeFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
  /** The candidate name the parser should find (null for the infected one). */
  person: string | null;
}

/** Five resumes for the job: four matching it less and less, and one carrying EICAR. */
export async function recruiterResumes(): Promise<ResumeFile[]> {
  const strongest = resumeText(
    'Ada Lovelace',
    'ada.lovelace@example.com',
    9,
    ['TypeScript', 'React', 'PostgreSQL', 'Node.js', 'Docker', 'Kubernetes'],
    'Staff engineer: TypeScript and Node.js services, React apps, PostgreSQL, Docker and Kubernetes.',
  );
  return [
    { name: 'ada-lovelace.pdf', mimeType: 'application/pdf', buffer: await pdfOf(strongest), person: 'Ada Lovelace' },
    {
      name: 'grace-hopper.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(
        resumeText(
          'Grace Hopper',
          'grace.hopper@example.com',
          6,
          ['TypeScript', 'React', 'Node.js', 'PostgreSQL'],
          'Full-stack developer working in TypeScript, React and PostgreSQL.',
        ),
      ),
      person: 'Grace Hopper',
    },
    {
      name: 'alan-turing.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(
        resumeText('Alan Turing', 'alan.turing@example.com', 3, ['React', 'JavaScript'], 'Front-end developer building React user interfaces.'),
      ),
      person: 'Alan Turing',
    },
    {
      name: 'edsger-dijkstra.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(resumeText('Edsger Dijkstra', 'edsger.dijkstra@example.com', 1, ['Excel'], 'Operations analyst moving into software.')),
      person: 'Edsger Dijkstra',
    },
    {
      name: 'mallory-infected.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(`${resumeText('Mallory Malware', 'mallory@example.com', 5, ['TypeScript', 'React'], 'Definitely a normal resume.')}\n${EICAR}\n`),
      person: null,
    },
  ];
}

/** The candidate's own resume, padded to a few MB so that a throttled upload shows its progress. */
export function candidateResume(): ResumeFile {
  const text = resumeText(
    'Katherine Johnson',
    'katherine.johnson@example.com',
    7,
    ['TypeScript', 'React', 'PostgreSQL', 'Node.js'],
    'Engineer who likes correct numbers: TypeScript, React, Node.js and PostgreSQL.',
  );
  const filler = Array.from({ length: 30_000 }, (_, index) => `Project note ${index}: shipped features, reviewed code, wrote tests and documentation.`).join(
    '\n',
  );
  return { name: 'katherine-johnson.txt', mimeType: 'text/plain', buffer: Buffer.from(`${text}\nProjects\n${filler}\n`), person: 'Katherine Johnson' };
}
