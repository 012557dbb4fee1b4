import { PDFDocument, StandardFonts, type PDFFont } from 'pdf-lib';
import { makeDocx } from './documents.ts';

export interface LabeledResume {
  id: string;
  format: 'pdf' | 'pdf-two-column' | 'docx' | 'txt';
  contentType: string;
  bytes: Buffer;
  expected: { name: string; email: string; phone: string; skills: string[]; experienceYears: number };
}

interface Person {
  name: string;
  email: string;
  phone: string;
  e164: string;
  skills: string[];
  jobs: Array<[string, string]>;
  years: number;
}

/** People of many origins; the ASCII fallbacks keep the PDFs within the standard fonts' character set. */
const PEOPLE: Person[] = [
  { name: 'Ada Lovelace', email: 'ada@example.test', phone: '+44 20 7946 0958', e164: '+442079460958', skills: ['Python', 'Statistics', 'Machine Learning'], jobs: [['Jan 2015', 'Dec 2019']], years: 4.9 },
  { name: 'Grace Hopper', email: 'grace.hopper@navy.example', phone: '(415) 555-0132', e164: '+14155550132', skills: ['COBOL-free', 'Java', 'SQL'], jobs: [['2010', '2020']], years: 10 },
  { name: 'Jose Alvarez-Nunez', email: 'jose.an@example.es', phone: '+34 612 345 678', e164: '+34612345678', skills: ['React', 'TypeScript', 'Node.js'], jobs: [['03/2016', '05/2019'], ['06/2019', '06/2023']], years: 7.3 },
  { name: "Zoe O'Brien", email: 'zoe@obrien.example', phone: '+353 87 123 4567', e164: '+353871234567', skills: ['Figma', 'UX Design', 'UI Design'], jobs: [['Sept 2018', 'Aug 2021']], years: 2.9 },
  { name: 'Nguyen Thi Minh', email: 'minh.nguyen@example.vn', phone: '+84 91 234 5678', e164: '+84912345678', skills: ['Kotlin', 'Android', 'Git'], jobs: [['2017', '2022']], years: 5 },
  { name: 'Lukasz Zolc', email: 'l.zolc@example.pl', phone: '+48 512 345 678', e164: '+48512345678', skills: ['C++', 'Linux', 'Embedded Systems'], jobs: [['Feb 2012', 'Feb 2020']], years: 8 },
  { name: 'Amara Okafor', email: 'amara.okafor@example.ng', phone: '+234 803 123 4567', e164: '+2348031234567', skills: ['AWS', 'Terraform', 'Kubernetes'], jobs: [['2016', '2019'], ['2018', '2023']], years: 7 },
  { name: 'Hiroshi Tanaka', email: 'tanaka@example.jp', phone: '+81 90 1234 5678', e164: '+819012345678', skills: ['Go', 'gRPC', 'PostgreSQL'], jobs: [['Apr 2014', 'Mar 2024']], years: 9.9 },
  { name: 'Fatima Zahra Benali', email: 'fz.benali@example.ma', phone: '+212 612 345678', e164: '+212612345678', skills: ['Data Analysis', 'Tableau', 'Excel'], jobs: [['2019', '2023']], years: 4 },
  { name: 'Sven Andersson', email: 'sven@andersson.example', phone: '+46 70 123 45 67', e164: '+46701234567', skills: ['Rust', 'Distributed Systems', 'Kafka'], jobs: [['Jan 2018', 'Jun 2022']], years: 4.4 },
  { name: 'Priya Raghavan', email: 'priya.r@example.in', phone: '+91 98765 43210', e164: '+919876543210', skills: ['Java', 'Spring', 'Microservices'], jobs: [['07/2013', '07/2018']], years: 5 },
  { name: 'Mateo Rossi', email: 'mateo.rossi@example.it', phone: '+39 312 345 6789', e164: '+393123456789', skills: ['PHP', 'Laravel', 'MySQL'], jobs: [['2012', '2016']], years: 4 },
  { name: 'Chloe Dubois', email: 'chloe.dubois@example.fr', phone: '+33 6 12 34 56 78', e164: '+33612345678', skills: ['SEO', 'Content Marketing', 'Google Analytics'], jobs: [['Mar 2017', 'Mar 2022']], years: 5 },
  { name: 'Kwame Mensah', email: 'kwame@mensah.example', phone: '+233 24 123 4567', e164: '+233241234567', skills: ['Sales', 'Negotiation', 'Salesforce'], jobs: [['2014', '2021']], years: 7 },
  { name: 'Elena Petrova', email: 'e.petrova@example.bg', phone: '+359 88 123 4567', e164: '+359881234567', skills: ['PyTorch', 'Deep Learning', 'Computer Vision'], jobs: [['Jan 2020', 'Jan 2024']], years: 4 },
  { name: 'Liam Murphy', email: 'liam.murphy@example.ie', phone: '+353 86 765 4321', e164: '+353867654321', skills: ['Swift', 'iOS', 'Git'], jobs: [['2015', '2018'], ['2019', '2024']], years: 8 },
  { name: 'Sofia Hernandez', email: 'sofia.h@example.mx', phone: '+52 55 1234 5678', e164: '+525512345678', skills: ['Product Management', 'Agile', 'JIRA'], jobs: [['May 2016', 'May 2021']], years: 5 },
  { name: 'Omar Haddad', email: 'omar.haddad@example.jo', phone: '+962 7 9012 3456', e164: '+962790123456', skills: ['Security', 'Penetration Testing', 'Linux'], jobs: [['2013', '2023']], years: 10 },
  { name: 'Hannah Schmidt', email: 'hannah.schmidt@example.de', phone: '+49 30 901820', e164: '+4930901820', skills: ['SAP-free', 'Accounting', 'Financial Analysis'], jobs: [['Jan 2011', 'Dec 2015']], years: 4.9 },
  { name: 'Ravi Shankar Iyer', email: 'ravi.iyer@example.in', phone: '+91 91234 56789', e164: '+919123456789', skills: ['Scala', 'Spark', 'Hadoop'], jobs: [['2014', '2020']], years: 6 },
  { name: 'Isabella Costa', email: 'isabella.costa@example.br', phone: '+55 11 91234 5678', e164: '+5511912345678', skills: ['Flutter', 'Android', 'iOS'], jobs: [['Aug 2019', 'Aug 2023']], years: 4 },
  { name: 'Noah Williams', email: 'noah.w@example.test', phone: '+1 212 555 0199', e164: '+12125550199', skills: ['C#', '.NET', 'Azure'], jobs: [['2012', '2022']], years: 10 },
  { name: 'Aisha Bello', email: 'aisha.bello@example.ng', phone: '+234 809 876 5432', e164: '+2348098765432', skills: ['Customer Success', 'Account Management', 'Communication'], jobs: [['2018', '2022']], years: 4 },
  { name: 'Mikael Virtanen', email: 'mikael@virtanen.example', phone: '+358 40 123 4567', e164: '+358401234567', skills: ['Elixir', 'PostgreSQL', 'Docker'], jobs: [['Jan 2016', 'Jan 2021']], years: 5 },
  { name: 'Yuki Sato', email: 'yuki.sato@example.jp', phone: '+81 80 9876 5432', e164: '+818098765432', skills: ['Unity', 'C#', 'Blockchain'], jobs: [['2017', '2021']], years: 4 },
  { name: 'Daniel Cohen', email: 'dcohen@example.il', phone: '+972 52 123 4567', e164: '+972521234567', skills: ['Python', 'Django', 'Redis'], jobs: [['Oct 2014', 'Oct 2020']], years: 6 },
  { name: 'Olga Ivanova', email: 'olga.ivanova@example.test', phone: '+1 646 555 0123', e164: '+16465550123', skills: ['Ruby', 'Ruby on Rails', 'PostgreSQL'], jobs: [['2011', '2019']], years: 8 },
  { name: 'Tomas Novak', email: 'tomas.novak@example.cz', phone: '+420 601 123 456', e164: '+420601123456', skills: ['Angular', 'TypeScript', 'CSS'], jobs: [['Jun 2015', 'Jun 2019']], years: 4 },
  { name: 'Leila Karimi', email: 'leila.karimi@example.test', phone: '+1 312 555 0147', e164: '+13125550147', skills: ['NLP', 'Python', 'Pandas'], jobs: [['2018', '2024']], years: 6 },
  { name: 'Samuel Adeyemi', email: 'samuel.adeyemi@example.ng', phone: '+234 701 234 5678', e164: '+2347012345678', skills: ['Vue.js', 'JavaScript', 'HTML'], jobs: [['Jan 2019', 'Jul 2023']], years: 4.5 },
  { name: 'Ingrid Larsen', email: 'ingrid.larsen@example.no', phone: '+47 412 34 567', e164: '+4741234567', skills: ['Leadership', 'Mentoring', 'Public Speaking'], jobs: [['2008', '2018']], years: 10 },
  { name: 'Carlos Mendoza', email: 'carlos.mendoza@example.co', phone: '+57 300 123 4567', e164: '+573001234567', skills: ['Ansible', 'Bash', 'Nginx'], jobs: [['Mar 2013', 'Mar 2016']], years: 3 },
];

const FORMATS: LabeledResume['format'][] = ['txt', 'pdf', 'docx', 'pdf-two-column'];

function lines(person: Person, layout: number): string[] {
  const header = layout % 2 === 0 ? [person.name, `${person.email} | ${person.phone} | linkedin.com/in/${person.email.split('@')[0]}`] : [person.name.toUpperCase(), `Email: ${person.email}`, `Phone: ${person.phone}`];
  const experience = person.jobs.map(([from, to], index) => `Role ${index + 1}, Company ${index + 1}   ${from} - ${to}`);
  return [
    ...header,
    '',
    'Summary',
    `Professional with hands-on work in ${person.skills.slice(0, 2).join(' and ')}.`,
    '',
    'Experience',
    ...experience,
    `Delivered projects using ${person.skills.join(', ')}.`,
    '',
    'Education',
    'University of Somewhere   2004 - 2008',
    '',
    'Skills',
    person.skills.join(', '),
  ];
}

async function pdf(text: string[], twoColumn: boolean): Promise<Buffer> {
  const document = await PDFDocument.create();
  const page = document.addPage([595, 842]);
  const font: PDFFont = await document.embedFont(StandardFonts.Helvetica);
  if (!twoColumn) text.forEach((line, i) => page.drawText(line, { x: 50, y: 790 - i * 16, size: 11, font }));
  else {
    // Header across the page, then the body in the right column and the skills in a left sidebar.
    const skillsAt = text.indexOf('Skills');
    text.slice(0, 2).forEach((line, i) => page.drawText(line, { x: 50, y: 790 - i * 16, size: 11, font }));
    text.slice(2, skillsAt).forEach((line, i) => page.drawText(line, { x: 220, y: 740 - i * 16, size: 10, font }));
    text.slice(skillsAt).forEach((line, i) => page.drawText(line, { x: 50, y: 740 - i * 16, size: 10, font }));
  }
  return Buffer.from(await document.save());
}

const clean = (skills: string[]) => skills.filter((skill) => !skill.endsWith('-free'));

/** The labeled set: 32 resumes in four formats and two header layouts, each with its expected fields. */
export async function labeledResumes(): Promise<LabeledResume[]> {
  const resumes: LabeledResume[] = [];
  for (const [index, person] of PEOPLE.entries()) {
    const format = FORMATS[index % FORMATS.length]!;
    const text = lines(person, index);
    const bytes =
      format === 'txt' ? Buffer.from(text.join('\n')) : format === 'docx' ? await makeDocx(text.join('\n')) : await pdf(text, format === 'pdf-two-column');
    const contentType = format === 'txt' ? 'text/plain' : format === 'docx' ? 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' : 'application/pdf';
    resumes.push({ id: `${index + 1}-${format}`, format, contentType, bytes, expected: { name: person.name, email: person.email, phone: person.e164, skills: clean(person.skills), experienceYears: person.years } });
  }
  return resumes;
}
