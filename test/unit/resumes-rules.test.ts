import { describe, expect, it } from 'vitest';
import { findEmail, findLinks, ownAnchor } from '../../src/resumes/contact.ts';
import { experienceYears } from '../../src/resumes/experience.ts';
import { findName } from '../../src/resumes/name.ts';
import { layoutPage } from '../../src/resumes/pdf-layout.ts';
import { headingKind } from '../../src/resumes/sections.ts';
import { findSkills } from '../../src/resumes/skills.ts';

const now = new Date('2025-06-01T00:00:00Z');

describe('names', () => {
  it('keeps a nickname in brackets or quotes as printed', () => {
    expect(findName('Minh (Kevin) Tran\nkevin@example.org')).toBe('Minh (Kevin) Tran');
    expect(findName('Roberta “Bobbie” Lang\nSeattle, WA')).toBe('Roberta “Bobbie” Lang');
    expect(findName('Minh (2021) Tran\nkevin@example.org')).toBeNull();
  });

  it('splits two words set in two fonts with nothing between them', () => {
    const item = (str: string, x: number, width: number, font: string) => ({ str, x, y: 700, width, size: 30, font });
    expect(layoutPage([item('marta', 100, 80, 'f1'), item('kowalska', 180, 120, 'f2')], () => false).lines).toEqual(['marta kowalska']);
    // One font, or a capital drawn in another size, stays one word.
    expect(layoutPage([item('Kowal', 100, 80, 'f1'), item('ska', 180, 50, 'f1')], () => false).lines).toEqual(['Kowalska']);
    expect(layoutPage([{ ...item('K', 100, 20, 'f1'), size: 40 }, item('OWALSKA', 120, 120, 'f2')], () => false).lines).toEqual(['KOWALSKA']);
  });

  it('reads a first line in lower case as a name', () => {
    expect(findName('marta kowalska\nbackend engineer\nmarta@example.org')).toBe('Marta Kowalska');
  });

  it('takes a template line "Full Name" without a colon for the name, but not a label with its value', () => {
    expect(findName('Full Name\nCONTACT\nfoo@example.org')).toBe('Full Name');
    expect(findName('Full Name: Tomás Ruiz\nfoo@example.org')).toBe('Tomás Ruiz');
  });
});

describe('experience', () => {
  it('reads month names and open ends in French, German, Spanish, Portuguese and Italian', () => {
    expect(experienceYears('Expérience professionnelle\nDéveloppeur, Société X  juil. 2022 – aujourd’hui', now)).toBe(2.9);
    expect(experienceYears('Berufserfahrung\nEntwickler  Okt. 2023 – heute', now)).toBe(1.7);
    expect(experienceYears('Experiencia laboral\nIngeniera  enero 2020 – actualidad', now)).toBe(5.4);
    expect(experienceYears('Experiência profissional\nAnalista  janeiro 2021 – atual', now)).toBe(4.4);
    expect(experienceYears('Esperienza lavorativa\nSviluppatore  gen 2023 – giu 2024', now)).toBe(1.4);
    expect(experienceYears('Esperienza professionale\nImpiegata  gennaio 2020 - alla data attuale', now)).toBe(5.4);
  });

  it('does not count a volunteer section', () => {
    expect(experienceYears('Berufserfahrung\nEntwickler  2020 – 2022\nEhrenamt\nTrainer, Sportverein  2010 – 2020', now)).toBe(2);
    expect(experienceYears('Experience\nEngineer  2020 – 2022\nVoluntariado\nCruz Roja  2010 – 2020', now)).toBe(2);
    expect(experienceYears('Work Experience\nEngineer, Acme  2020 – 2022\nVolunteer Tutor, Library  2012 – 2019', now)).toBe(2);
    expect(experienceYears('Berufserfahrung\nEntwickler  2020 – 2022\nEhrenamtlicher Trainer\nSportverein  2010 – 2019', now)).toBe(2);
  });

  it('knows a misspelled long heading word, not a short one', () => {
    expect(headingKind('Work Experince')).toBe('experience');
    expect(headingKind('Profesional Experiance')).toBe('experience');
    expect(headingKind('Schulische Ausbuilding')).toBe('education');
    expect(headingKind('Word')).toBeUndefined();
    expect(experienceYears('Skills\nGo\nEmployement History\nEngineer  Mar 2019 – Mar 2021', now)).toBe(2);
  });

  it('reads a range at the end of a title line, day-dotted dates, and each of several ranges on one line', () => {
    expect(experienceYears('Experience\nSenior Engineer, Acme, Swindon, June 2018 – present', now)).toBe(7);
    expect(experienceYears('Experience\nWeb developer, Pushkin Square (Russia) — 4.06.2000-19.04.2002', now)).toBe(1.8);
    expect(experienceYears('Experience\nAnalyst, Bank  01.03.2019 – 31.12.2020', now)).toBe(1.8);
    // Tabs or a wide gap between ranges: each counts, and an overlap once.
    expect(experienceYears('Experience\nTeacher\tJanuary 2015-March 2017\tJune 2018-June 2020', now)).toBe(4.2);
    expect(experienceYears('Experience\nTeacher     2015 – 2017      2016 – 2020', now)).toBe(5);
  });

  it('counts a range that starts and ends in the same month as zero', () => {
    expect(experienceYears('Work History\nIntern (05/2024 – 05/2024)', now)).toBe(0);
  });

  it('reads a range left open by "since" in several languages', () => {
    expect(experienceYears('Berufstätigkeit\nSeit 06/2020  Stadtwerke (Kiel)\n01/2018 - 06/2020  Hafenamt', now)).toBe(7.4);
    expect(experienceYears('Experience\nAnalyst, Norde, since 2021', now)).toBe(4.4);
    expect(experienceYears('Expérience\nAnalyste chez Norde depuis 2021', now)).toBe(4.4);
    expect(experienceYears('Experiencia\nAnalista en Norde desde 2021', now)).toBe(4.4);
    expect(experienceYears('Esperienza\nAnalista presso Norde dal 2021', now)).toBe(4.4);
  });

  it('reads "since … until …" as a closed range, the word for "until" with or without its article', () => {
    expect(experienceYears('Cargos anteriores\nAnalista, desde 27/03/2014 hasta el 03/05/2018', now)).toBe(4.2);
    expect(experienceYears('Berufserfahrung\nAnalyst seit 03/2015 bis zum 06/2018', now)).toBe(3.3);
    expect(experienceYears('Expérience\nAnalyste depuis 2015 jusqu’au 2018', now)).toBe(3);
    expect(experienceYears('Experience\nAnalyst  2015 to the present', now)).toBe(10.4);
  });

  it('reads two years set in columns of their own at the start of a line as a range', () => {
    expect(experienceYears('Experience\n2016  2020  Lecturer, Harbour College\n2014  Award for teaching', now)).toBe(4);
    // Years in decreasing order are two dated items, not a range.
    expect(experienceYears('Experience\n2020  2016  Lecturer, Harbour College', now)).toBeNull();
  });

  it('counts internships and positions held as work, teaching only when there is no other work', () => {
    expect(headingKind('Research Internship')).toBe('experience');
    expect(headingKind('Internships')).toBe('experience');
    expect(headingKind('Positions Held')).toBe('experience');
    expect(headingKind('Berufstätigkeit')).toBe('experience');
    const cv = 'Positions Held\nResearch Fellow  2023.03-Present\nTeaching Experience\nLecturer  2010-2020\nResearch Internship\nField Lab  2021.03 - 2022.03';
    expect(experienceYears(cv, now)).toBe(3.3);
  });

  it('counts research positions when the work section dates nothing, as a label "Experience with:" makes one, but no thesis', () => {
    const cv = [
      'Research Experience',
      'Research Assistant, Harbour Institute  March 2022 - Present',
      'Summer Studentship, Field Lab  July – September 2021',
      "Master's Dissertation, Mathematical Institute  October 2020 – July 2021",
      'Skills',
      'Experience with: Python, QGIS, Git',
    ].join('\n');
    expect(experienceYears(cv, now)).toBe(3.4);
  });

  it('reads seasons: a range of terms, and an internship dated by its season alone, but not a season in a sentence', () => {
    expect(experienceYears('Experience\nTeaching Fellow, Harbour College  Fall 2019 – Spring 2021', now)).toBe(1.8);
    expect(experienceYears('Experience\nSoftware Engineering Intern, Acme  Summer 2022\nIntern, Field Lab  Summer 2021', now)).toBe(0.5);
    const prose =
      'Experience\nAnalyst, Norde  Jan 2015 – Jan 2016\nPlanned the migration that the whole team of analysts and engineers then shipped in summer 2019 across regions';
    expect(experienceYears(prose, now)).toBe(1);
  });

  it('knows academic experience in other languages as research, and academic records as education', () => {
    expect(headingKind('Experiencia Académica')).toBe('research');
    expect(headingKind('Experiência em Pesquisa')).toBe('research');
    expect(headingKind('Experiencia Laboral')).toBe('experience');
    expect(headingKind('3. Antecedentes Académicos y formativos')).toBe('education');
    const cv = [
      '1. Experiencia Laboral',
      'Analista de datos  Mar. 2014 – Sept. 2019',
      '2. Experiencia Académica',
      'Ayudante asignatura  Jul. 2010 – Ene. 2013',
      '3. Antecedentes Académicos y formativos',
      'Magíster en Sociología  Mar. 2000 – May. 2002',
    ].join('\n');
    expect(experienceYears(cv, now)).toBe(5.5);
  });
});

describe('sections that are not work', () => {
  it('knows education headings of several words in other languages, whatever the dates beneath', () => {
    expect(headingKind('Istruzione e formazione')).toBe('education');
    expect(headingKind('Opleiding en cursussen')).toBe('education');
    expect(headingKind('Eğitim Bilgileri')).toBe('education');
    expect(headingKind('Formación y cursos')).toBe('education');
    expect(headingKind('Formation et diplômes')).toBe('education');
    expect(
      experienceYears('Esperienza professionale\nAnalista  gennaio 2020 - dicembre 2022\nISTRUZIONE E FORMAZIONE\nLaurea  settembre 2010 - luglio 2015', now),
    ).toBe(2.9);
    expect(experienceYears('Werkervaring\nAnalist  2020 - 2022\nOpleiding en cursussen\nBachelor  2010 - 2015', now)).toBe(2);
    expect(experienceYears('İş Deneyimi\nAnalist  2020 - 2022\nEğitim Bilgileri\nLisans  2010 - 2015', now)).toBe(2);
  });

  it('reads a heading printed on several entries as a label of the entries, not a section', () => {
    const europass =
      'Esperienza professionale\n2020 - 2022\n2015 - 2017\nIstruzione e formazione\n2016 - 2017\nTirocinio\nAcme\nTirocinio\nBeta\n2005 - 2010  Laurea';
    expect(experienceYears(europass, now)).toBe(4);
    const achievements = 'Experience\nEngineer, Acme  2020 - 2022\nKey achievements\nShipped the app\nAnalyst, Beta  2015 - 2017\nKey achievements\nCut costs';
    expect(experienceYears(achievements, now)).toBe(4);
  });

  it('reads "Key achievements:" under a job as part of the job', () => {
    expect(experienceYears('Experience\nEngineer, Acme  2020 - 2022\nKey achievements:\nShipped the app\nAnalyst, Beta  2015 - 2017', now)).toBe(4);
    expect(headingKind('Key achievements:')).toBe('other');
  });

  it('does not count volunteer or community work', () => {
    expect(headingKind('Volunteer Work')).toBe('other');
    expect(headingKind('Community Work')).toBe('other');
    expect(experienceYears('Experience\nEngineer, Acme  2020 - 2022\nVolunteer Work\nFood Bank  2010 - 2014\nLibrary  2012 - 2019', now)).toBe(2);
  });

  it('does not make a heading of two entry lines whose first words are only capitalised like one', () => {
    expect(experienceYears('Experience\nMorris School District  2020 - 2022\nHonors Geometry teacher', now)).toBe(2);
  });

  it('does not count years a sentence talks about as a job', () => {
    const cv =
      'Experience\nAnalyst, Acme  2020 - 2022\nBuilt heat maps of crime data for years 2001-2020 depicting where crimes occurred\nCharted the types of crimes committed in the city each year for 2001-2020';
    expect(experienceYears(cv, now)).toBe(2);
    // Beside a title, or after a capitalised word, years are the job's.
    expect(experienceYears('Experience\nfreelance developer 2015-2018', now)).toBe(3);
    expect(experienceYears('Experience\nDeveloper, Acme, Swindon 2015-2018', now)).toBe(3);
  });
});

describe('links', () => {
  it('does not take a separator glued to a URL', () => {
    expect(findLinks('Ana Lima\nana@example.org | linkedin.com/in/analima| github.com/analima', 'ana@example.org').linkedin).toBe(
      'https://linkedin.com/in/analima',
    );
  });

  it('takes a personal site printed as plain text in the header, whatever its ending', () => {
    expect(findLinks('Ana Lima\nana@example.org • analima.engineer\nExperience\nsee acme.consulting', 'ana@example.org').website).toBe(
      'https://analima.engineer',
    );
  });

  it('takes a site from a contact block at the end, an address line between it and the email address', () => {
    const text = [
      'Ana Lima',
      'Experience',
      'Surveyor, Firm  2019 - 2021',
      'Charted the harbour for harbour-survey.org',
      'Dredging plans for the port authority',
      'ana@example.org',
      'Hafenstraße 1, 24103 Kiel',
      'https://www.analima.net | Blog',
    ].join('\n');
    const links = findLinks(text, 'ana@example.org');
    expect(links.website).toBe('https://www.analima.net');
    expect(links.other).toEqual([]);
  });

  it('does not take the hidden link of a project entry (a repository behind its name or a "GitHub" word) for a profile link', () => {
    expect(ownAnchor('https://github.com/analima/tide-planner', 'GitHub', false)).toBeNull();
    expect(ownAnchor('https://github.com/analima/tide-planner', 'tide-planner', false)).toBeNull();
    expect(ownAnchor('https://github.com/analima/tide-planner', 'GitHub', true)).toBe('https://github.com/analima/tide-planner');
    expect(ownAnchor('https://github.com/analima', 'GitHub', false)).toBe('https://github.com/analima');
    expect(ownAnchor('https://analima.github.io/tide/', 'Project Website', false)).toBeNull();
    expect(ownAnchor('https://analima.dev/', 'Website', false)).toBe('https://analima.dev/');
  });

  it("does not take a supervisor's profile, or a link box that only grazes two words, for the candidate's", () => {
    expect(ownAnchor('https://www.researchgate.net/profile/Jan-Novak', 'Prof. Jan Novak', false)).toBeNull();
    expect(ownAnchor('https://www.researchgate.net/profile/Ana-Lima', 'ResearchGate', false)).toBe('https://www.researchgate.net/profile/Ana-Lima');
    expect(ownAnchor('https://kernel.example.org/', 'l o', false)).toBeNull();
    expect(ownAnchor('https://analima.dev/', '', false)).toBe('https://analima.dev/');
  });
});

describe('skills', () => {
  it('knows skills headings in Italian, Spanish and French, also as a row label of a Europass CV', () => {
    expect(headingKind('Competenze informatiche')).toBe('skills');
    expect(headingKind('Competenze digitali')).toBe('skills');
    expect(headingKind('Competencias informáticas')).toBe('skills');
    expect(headingKind('Compétences informatiques')).toBe('skills');
    const europass = 'Istruzione e formazione\nLaurea  2005 - 2010\nCompetenze informatiche  Conoscenza del pacchetto Office, in particolare Excel e\nAccess.';
    expect(findSkills(europass).map((s) => s.name)).toContain('Microsoft Access');
  });

  it('does not take words of character for skills', () => {
    const names = findSkills('Skills\nTools: Docker, Kubernetes, Terraform\nAttributes: Resourceful, Self-starter, Detail-oriented, Dependable').map(
      (s) => s.name,
    );
    expect(names).toEqual(expect.arrayContaining(['Docker', 'Kubernetes', 'Terraform']));
    expect(names.join(' ')).not.toMatch(/resourceful|self-starter|detail-oriented|dependable/i);
    const unlabeled = findSkills('Skills\nPython, Kotlin, Flexible, Self-motivated').map((s) => s.name.toLowerCase());
    expect(unlabeled).not.toContain('flexible');
    expect(unlabeled).not.toContain('self-motivated');
    expect(findSkills('Skills\nPython, Kotlin, OneDrive').map((s) => s.name)).toContain('OneDrive');
  });

  it('takes a one-letter language from a list, not from a sentence', () => {
    expect(findSkills('Experience\nPassed courses in Java, R, and Scala at the academy').map((s) => s.name)).not.toContain('R');
    expect(findSkills('Skills\nLanguages: Java, R, Scala').map((s) => s.name)).toContain('R');
  });

  it('takes a name that is also an ordinary word ("Spring") from a list or an enumeration, not from a title or a term', () => {
    const names = (text: string) => findSkills(text).map((s) => s.name);
    expect(names('Education\nHarbour College, expected graduation Spring/Summer 2026')).not.toContain('Spring');
    expect(names('Awards\nBest talk, Spring Meeting of the Coastal Society')).not.toContain('Spring');
    expect(names('Skills\nBackend: Java, Spring, Hibernate')).toContain('Spring');
    expect(names('Experience\nWrote the billing services in Java, Spring, Hibernate and PostgreSQL')).toContain('Spring');
  });

  it('reads words joined by slashes in a sentence as words, and a name written with a slash as a name', () => {
    const names = (text: string) => findSkills(text).map((s) => s.name);
    const prose = names('Experience\nDesigned a ticketing service from scratch (CLI/Frontend/Backend/Deployment)');
    expect(prose).not.toContain('Frontend Development');
    expect(prose).not.toContain('Backend Development');
    expect(names('Experience\nBuilt CI/CD pipelines for twelve services')).toContain('CI/CD');
  });

  it('reads a skills grid row by row: a languages row is one row, and a row label is its category', () => {
    const grid = ['Weitere Kenntnisse', 'Sprachen  Deutsch, Englisch', 'Datenbanken  MySQL, Redis', 'Überwachung  Zabbix, Tidewatch, Grafana'].join('\n');
    const names = findSkills(grid).map((s) => s.name);
    // "Tidewatch" is known to no taxonomy: listed in a skills section, it is a skill.
    expect(names).toEqual(expect.arrayContaining(['MySQL', 'Redis', 'Zabbix', 'Tidewatch', 'Grafana']));
    expect(names).not.toContain('Datenbanken');
    expect(names).not.toContain('Überwachung');
    expect(names).not.toContain('Deutsch');
  });

  it('reads a skills heading shared with another section ("Skills & Interests") as a skills heading', () => {
    expect(headingKind('Skills & Interests')).toBe('skills');
    expect(headingKind('LANGUAGES & SKILLS')).toBe('skills');
    expect(headingKind('Skills and Awards')).toBe('skills');
    // An employer's name stays an entry.
    expect(headingKind('NewSpace Research and Technologies')).toBeUndefined();
    const names = findSkills('Experience\nEngineer, Acme  2019 – 2021\nSkills & Interests\nTooling: Docker, Quarrywise, Grafana').map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['Docker', 'Quarrywise', 'Grafana']));
  });

  it('takes no unknown names from a sentence in a skills section that its commas cut into parts', () => {
    const names = findSkills('Skills\nPython, Tableau, Flask\nExtracted, cleaned, and merged the scorecard data of many years in Python').map((s) =>
      s.name.toLowerCase(),
    );
    expect(names).toEqual(expect.arrayContaining(['python', 'tableau', 'flask']));
    expect(names).not.toContain('extracted');
    expect(names).not.toContain('cleaned');
  });

  it("maps no generic abbreviation to one vendor's product", () => {
    const names = findSkills('Experience\nLab safety officer (EHS), ran LC-MS and LCMS courses, designed APIs').map((s) => s.name);
    expect(names).not.toContain('Medgate Enterprise');
    expect(names).not.toContain('EZ LCMS');
    expect(names).not.toContain('API Design');
  });
});

describe('dates in more languages', () => {
  it('reads Slavic and Turkish month names, inflected or not, and their words for "present"', () => {
    expect(experienceYears('Опыт работы\nФевраль 2021 — по настоящее время  Аналитик', now)).toBe(4.3);
    expect(experienceYears('Досвід роботи\nз березня 2022 Тестувальник', now)).toBe(3.3);
    expect(experienceYears('Опыт работы\nс января 2023 по н.в. Разработчик', now)).toBe(2.4);
    // The end on the next line, abbreviated: "по наст. вр.".
    expect(experienceYears('Опыт работы\nМарт 2019 —  Преподаватель\nпо наст. вр.  Чтение лекций', now)).toBe(6.3);
    expect(experienceYears('Doświadczenie zawodowe\nmaj 2020 – obecnie  Tester', now)).toBe(5.1);
    expect(experienceYears('İş Deneyimi\nEylül 2022 - Günümüz  Mühendis', now)).toBe(2.8);
  });

  it('reads a year-only range that ends with a word for "present" in any supported language', () => {
    for (const [heading, present] of [
      ['Experiencia', 'Actualidad'],
      ['Experiência', 'Atual'],
      ['Berufserfahrung', 'heute'],
      ['Опыт работы', 'настоящее время'],
      ['Werkervaring', 'heden'],
      ['Expérience professionnelle', 'à ce jour'],
      ['Experiência profissional', 'até hoje'],
      ['Experience', '현재'],
      ['Pengalaman Kerja', 'saat ini'],
      ['Experience', 'Hiện tại'],
    ])
      expect(experienceYears(`${heading}\n2021 – ${present}  Técnico`, now)).toBe(4.4);
  });
});

describe('names under headings and labels', () => {
  it('does not take a heading in another language for the name', () => {
    expect(findName('Curriculum Vitae\nCargos Actuales\nProfesora titular, 2019')).toBeNull();
    expect(findName('Опыт работы\nМария Иванова')).toBe('Мария Иванова');
  });

  it('reads a labelled name whose label word starts like a shorter label ("Nombre" is not "Nom")', () => {
    expect(findName('Datos Personales\nNombre:  Lucía Fernández Soto\nTeléfono: 555 0100')).toBe('Lucía Fernández Soto');
  });

  it('prefers a name above the first heading to an entry title below it, and drops a spelling in another script', () => {
    expect(findName('Resume of Wei Chen  Updated 2024\nWei Chen (陈伟)\nEducation\nHonours Programme Scholar\nAdvisor: Prof. A. Smith')).toBe('Wei Chen');
    // Without a name above the first heading, the lines below it are still read (a sidebar printed first).
    expect(findName('Contact\nmaria@example.org\nMaria Lopez')).toBe('Maria Lopez');
  });
});

describe('email among several addresses', () => {
  it("takes the header's address over a supervisor's or a referee's", () => {
    expect(findEmail('Education\nMSc Chemistry, 2021\nOrientador: Prof. R. Alves, ralves@uni.example.br\nSkills\nTitration')).toBe('ralves@uni.example.br');
    expect(findEmail('Paula Reis\npaula.reis@mail.example\nEducation\nOrientador: Prof. R. Alves, ralves@uni.example.br')).toBe('paula.reis@mail.example');
  });

  it("takes the address that spells the candidate's name when the contact block comes after the referees", () => {
    const text = 'Referências\nProf. Dr. Ana Lima\nana.lima@uni.example.br\n@ preis@mail.example  São Paulo';
    expect(findEmail(text, 'Paula Reis')).toBe('preis@mail.example');
    // Without a name, an address outside the references section wins.
    expect(findEmail('Research\nSupervisor: Dr. K. Ode, kode@lab.example\nProjects\nReach me at me@site.example')).toBe('me@site.example');
  });
});

describe('service sections', () => {
  it('does not count a "Service Experience" section as work, but does count customer service', () => {
    const text = (heading: string) => `Work Experience\nAnalyst, Norde  Jan 2022 – Jan 2024\n${heading}\nMentor, Youth Club  Jan 2015 – Jan 2020`;
    expect(experienceYears(text('Service Experience'), now)).toBe(2);
    expect(experienceYears(text('Customer Service Experience'), now)).toBe(7);
  });
});

describe('phones', () => {
  it('takes no number from the digits of an email address or a link', async () => {
    const { findPhones } = await import('../../src/resumes/phone.ts');
    expect(findPhones('Ola Nordmann\nola.13109888@example.test\ngithub.com/ola/12345678', 'US')).toEqual([]);
    expect(findPhones('Ola Nordmann\nola.13109888@example.test | +1 415 555 0143', 'US').map((phone) => phone.number)).toEqual(['+14155550143']);
  });

  it('takes no number from a page range or a citation, nor a label from inside a word', async () => {
    const { findPhones } = await import('../../src/resumes/phone.ts');
    const cited = [
      'Ola Nordmann',
      'ola@example.test',
      'Publications',
      'Nordmann, O. (2021). Shared intelligence in small teams. Journal of Things, 12(3), 4410-4427.',
      'Nordmann, O. (2019). Counting fish. In Proceedings of the Harbour Meeting, pp. 1742 - 1753.',
      'Nordmann, O. (2018). On nets. Fisheries Letters, vol. 2231-5567.',
    ].join('\n');
    expect(findPhones(cited, 'US')).toEqual([]);
    // Labelled, the same shape is a number.
    expect(findPhones('Ola Nordmann\nTel: 9123-9150', 'SG').map((phone) => phone.number)).toEqual(['+6591239150']);
  });

  it('takes no number from a range of months and years in the header', async () => {
    const { findPhones } = await import('../../src/resumes/phone.ts');
    expect(findPhones('高明\n北京理工大学 · 机器人工程(2020.09 - 2024.06)\n邮箱：gao@example.test', 'CN')).toEqual([]);
    expect(findPhones('Ola Nordmann\nHarbour College 09/2016 – 06/2020\nola@example.test', 'NO')).toEqual([]);
    expect(findPhones('Ola Nordmann\nola@example.test | +47 412 34 567', 'NO').map((phone) => phone.number)).toEqual(['+4741234567']);
  });

  it('reads a national number in the country of the script the resume is written in, when nothing else tells', async () => {
    const { regionHint } = await import('../../src/resumes/phone.ts');
    const chinese = '李小明\n手机：13912345678\n教育背景\n二〇一五年至二〇一九年 在大学学习计算机科学与技术专业，获得学士学位。';
    expect(regionHint(chinese, [], undefined)).toBe('CN');
    expect(regionHint('山田花子\n電話：090-1234-5678\n職務経歴\nソフトウェア開発会社でウェブアプリケーションの開発を担当しました。', [], undefined)).toBe('JP');
    // A place or a country-code domain still comes first, and an English resume keeps the default.
    expect(regionHint(`${chinese}\nSingapore`, [], undefined)).toBe('SG');
    expect(regionHint('Li Xiaoming\nMobile: 13912345678\nEducation', [], 'DE')).toBe('DE');
  });
});
