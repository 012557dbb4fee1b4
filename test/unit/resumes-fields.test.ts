import { describe, expect, it } from 'vitest';
import { measureAccuracy } from '../../bench/resume-accuracy.ts';
import { experienceYears } from '../../src/resumes/experience.ts';
import { parseResume } from '../../src/resumes/fields.ts';
import { findName } from '../../src/resumes/name.ts';
import { canonicalSkill, isKnownSkill, matchSkills, skillKey } from '../../src/resumes/skills.ts';

const NOW = new Date('2026-11-01T00:00:00Z');

describe('the labeled set', () => {
  it('meets the accuracy targets', async () => {
    const result = await measureAccuracy();
    expect(result.n).toBeGreaterThanOrEqual(30);
    expect(result.email).toBeGreaterThanOrEqual(0.98);
    expect(result.phone).toBeGreaterThanOrEqual(0.98);
    expect(result.name).toBeGreaterThanOrEqual(0.95);
    expect(result.skills.f1).toBeGreaterThanOrEqual(0.9);
    expect(result.experience).toBeGreaterThanOrEqual(0.9);
  }, 60_000);
});

describe('name', () => {
  it.each([
    ['José Álvarez-Núñez | jose@example.es | +34 612 345 678', 'José Álvarez-Núñez'],
    ["ZOË O'BRIEN\nEmail: zoe@example.ie", "Zoë O'Brien"],
    ['Nguyễn Thị Minh Khai\nAndroid Developer', 'Nguyễn Thị Minh Khai'],
    ['Łukasz Żółć — Embedded Engineer', 'Łukasz Żółć'],
    ['Curriculum Vitae\nName: Ana Lima\nPhone: 123', 'Ana Lima'],
    ['RESUME\n\nDr. Ada Lovelace, PhD\nLondon', 'Ada Lovelace'],
    ['Senior Software Engineer\nHannah van der Berg', 'Hannah van der Berg'],
    ['Ελένη Παπαδοπούλου\neleni@example.gr', 'Ελένη Παπαδοπούλου'],
    ['Ian McDonald\nian@example.co.uk', 'Ian McDonald'],
  ])('%j → %s', (text, name) => {
    expect(findName(text)).toBe(name);
  });

  it('is null when nothing near the top looks like a name', () => {
    expect(findName('Experience\nWrote software 2019 - 2022\nSkills\nPython, SQL')).toBeNull();
    expect(findName('ada@example.com\n+44 20 7946 0958')).toBeNull();
  });
});

describe('contact details', () => {
  it('finds the email in lower case and the phone in E.164', () => {
    const fields = parseResume('Ada Lovelace\nAda.Lovelace@Example.COM · +44 20 7946 0958');
    expect(fields).toMatchObject({ email: 'ada.lovelace@example.com', phone: '+442079460958' });
  });

  it('reads national numbers in the region of the resume’s own domain, else the configured one, else US', () => {
    expect(parseResume('Jürgen Weiß\njw@example.de\nTel.: 030 901820').phone).toBe('+4930901820');
    expect(parseResume('François Dubois\nfd@example.fr | 06 12 34 56 78').phone).toBe('+33612345678');
    expect(parseResume('Ian McDonald\nian@example.co.uk\n07911 123456').phone).toBe('+447911123456');
    expect(parseResume('Grace Hopper\ngrace@example.com\n(415) 555-0132').phone).toBe('+14155550132');
    expect(parseResume('Tomas Novak\ntn@gmail.com | 601 123 456', { defaultCountry: 'CZ' }).phone).toBe('+420601123456');
    expect(parseResume('Hans Meier\nhans@example.com\nTel.: 0049 30 901820').phone).toBe('+4930901820');
  });

  it('does not take dates, postcodes or numbers in the body for phone numbers', () => {
    const text =
      'Jürgen Weiß\nMusterstraße 12, 10115 Berlin\njw@example.de\n\nExperience\nController 03/2016 - 05/2019\nAuditor 2012 - 2016\nInvoice 4711 0815 2342';
    expect(parseResume(text).phone).toBeNull();
  });

  it("keeps the sites of the candidate's own domain, labeled links and URLs wrapped over two lines", () => {
    const parsed = parseResume(
      [
        'Ryan Lee',
        'ryan[at]lee.example | linkedin.lee.dev',
        'Projects',
        'Sodium bindings  sodium.lee.dev  2017 – Present',
        'Team page  acme.com/team',
        'Tech blog: http://blog.writes.me',
        'Demo  Link: https://github.com/rlee/to-do-for-student-',
        'teacher',
        'References',
        'Jon Public  jon@public.example',
        'Unicode sample from http://www.unicode-samples.example/page.html',
      ].join('\n'),
      { now: NOW },
    );
    expect(parsed.email).toBe('ryan@lee.example');
    expect([parsed.links.website, ...parsed.links.other]).toEqual(['https://linkedin.lee.dev', 'https://sodium.lee.dev', 'http://blog.writes.me']);
    expect(parsed.links.github).toBe('https://github.com/rlee/to-do-for-student-teacher');
  });

  it('reads profiles printed as labeled handles in the contact details, not in the body', () => {
    const parsed = parseResume(
      'Jane Doe\njane@example.org\ntwitter: @janedoe | GitHub: jdoe | LinkedIn: in/jane-doe-1\nX: 2019\nExperience\nfacebook: /acme-corp',
      { now: NOW },
    );
    expect(parsed.links).toEqual({ github: 'https://github.com/jdoe', linkedin: 'https://linkedin.com/in/jane-doe-1', other: ['https://twitter.com/janedoe'] });
  });

  it('classifies links and leaves skills and files alone', () => {
    const fields = parseResume(
      'Ada Lovelace\nada@lovelace.dev\nlinkedin.com/in/ada | https://github.com/ada | www.ada.example.org | blog.example.com/posts\nNode.js, ASP.NET, Vue.js; cv.pdf; Monday.com',
    );
    expect(fields.links).toEqual({
      linkedin: 'https://linkedin.com/in/ada',
      github: 'https://github.com/ada',
      website: 'https://www.ada.example.org',
      other: ['https://blog.example.com/posts'],
    });
  });
});

describe('skills', () => {
  it('maps synonyms to canonical names, symbols included', () => {
    expect(matchSkills('JS, ECMAScript, k8s, Postgres, psql, nodejs, golang, C#, C++, .NET and Node.js')).toEqual([
      '.NET',
      'C#',
      'C++',
      'Go',
      'JavaScript',
      'Kubernetes',
      'Node.js',
      'PostgreSQL',
    ]);
    expect(canonicalSkill(' k8s ')).toBe('Kubernetes');
    expect(canonicalSkill('Basket weaving')).toBe('Basket weaving');
  });

  it('takes spellings that differ only in spaces, dots, hyphens or a "JS" suffix for one skill', () => {
    expect(canonicalSkill('Knockout JS')).toBe(canonicalSkill('knockout.js'));
    expect(canonicalSkill('KnockoutJS')).toBe(canonicalSkill('knockout.js'));
    expect(canonicalSkill('Tensor Flow')).toBe('TensorFlow');
    expect(canonicalSkill('time-series analysis')).toBe(canonicalSkill('time series analysis'));
    // Any kind of hyphen: U+2010 as a word processor sets it.
    expect(canonicalSkill('cloud\u2010computing')).toBe(canonicalSkill('cloud computing'));
    expect(isKnownSkill('Tensor Flow')).toBe(true);
    // Names the taxonomy does not hold are one skill by the same key, and are found once.
    expect(skillKey('LLM-agents')).toBe(skillKey('LLM agents'));
    expect(skillKey('Tool calling')).toBe(skillKey('tool-calling'));
    expect(skillKey('Tool calling')).not.toBe(skillKey('Tool'));
    expect(matchSkills('Skills\nPython, Basket-weaving, Basket weaving, Knockout JS, knockout.js')).toEqual(['Basket-weaving', 'Knockout.js', 'Python']);
  });

  it('knows names written with other spacing or punctuation, or after a vendor', () => {
    expect(matchSkills('Skills\nc ++, C #, Vue .js, NodeJS, NextJS, PowerBI, Scikit Learn, MS Word, MS Office, Fast API, GitHub Action')).toEqual([
      'C#',
      'C++',
      'FastAPI',
      'GitHub Actions',
      'Microsoft Office',
      'Microsoft Word',
      'Next.js',
      'Node.js',
      'Power BI',
      'scikit-learn',
      'Vue.js',
    ]);
    expect(matchSkills('Experience\nWrote reports in MS Word and simulations in C ++.')).toEqual(['C++', 'Microsoft Word']);
    // Two names side by side stay two names, even where run together they spell a third ("typescriptreact" is TSX).
    expect(matchSkills('Experience\nBuilt a TypeScript React app')).toEqual(['React', 'TypeScript']);
  });

  it('reads ordinary words as words', () => {
    expect(matchSkills('Ready to go the extra mile; I excel at rest and swift delivery, a node in the graph, in spring.')).toEqual([]);
    expect(matchSkills('Experience\nBuilt services in Go and C at Google')).toEqual([]);
  });

  it('takes short names ("Go", "R", "C") only from a list of skills', () => {
    expect(matchSkills('Skills\nGo, R, C, Python')).toEqual(['C', 'Go', 'Python', 'R']);
    expect(matchSkills('Languages: Go, Rust')).toEqual(['Go', 'Rust']);
    expect(matchSkills('Summary\nR and D; plan C; Go team')).toEqual([]);
  });

  it('prefers the longest name: React Native is not React, Objective-C is not C, Ruby on Rails is not Ruby', () => {
    expect(matchSkills('Skills\nReact Native, Objective-C, Ruby on Rails')).toEqual(['Objective-C', 'React Native', 'Ruby on Rails']);
  });

  it('finds tool names written inside Chinese or Japanese text, without spaces', () => {
    expect(matchSkills('技能\n熟悉Python及C#;了解Java、JavaScript等。\n熟练使用ArcGIS、QGIS等专业软件')).toEqual([
      'ArcGIS',
      'C#',
      'Java',
      'JavaScript',
      'Python',
      'QGIS',
    ]);
  });

  it('reads a line with a category label as a list wherever it stands', () => {
    expect(matchSkills('Summary\nPhysicist who codes.\n• Programming Languages: Python, C, R, Bash')).toEqual(['Bash', 'C', 'Python', 'R']);
    expect(matchSkills('Summary\nI ran the R and C teams.')).toEqual([]);
  });

  it('reads lists as real resumes write them', () => {
    // A line of known names is a list wherever it stands, so short names count there.
    expect(matchSkills('Summary\nGo, C#, Python, R, Docker')).toEqual(['C#', 'Docker', 'Go', 'Python', 'R']);
    // A product line of a known name is listed as written; a vendor's name before a product is the product.
    expect(matchSkills('Skills\nTools: SAP BW, Power BI, Microsoft Visual Studio Code, Python Programming')).toEqual([
      'Power BI',
      'Python',
      'SAP BW',
      'Visual Studio Code',
    ]);
    // Lower-case tool names in a list, qualifiers in parentheses, and one item per line.
    expect(matchSkills('Skills\nR, ggplot2, dplyr, tidyr\nBrainstorm (beginner), SPM (beginner), Python')).toEqual(
      expect.arrayContaining(['Brainstorm', 'dplyr', 'ggplot2', 'Python', 'R', 'SPM', 'tidyr']),
    );
    expect(matchSkills('Skills\nDiversity Sourcing\nStakeholder Management\nTalent Mapping')).toEqual([
      'Diversity Sourcing',
      'Stakeholder Management',
      'Talent Mapping',
    ]);
    // Soft skills and spoken languages are not reported.
    expect(matchSkills('Skills\nSoft Skills: Teamwork, Decision Making, Problem-Solving\nLanguages: English, French, Wolof')).toEqual([]);
  });

  it('takes a named practice from a work sentence, not a generic word or a team', () => {
    expect(matchSkills('Experience\nBuilt CI/CD pipelines and applied NLP to tickets')).toEqual(['CI/CD', 'NLP']);
    expect(matchSkills('Experience\nJoined the NLP team; improved testing and machine learning at Acme')).toEqual([]);
  });

  it('does not take courses taken for skills', () => {
    expect(matchSkills('Skills\nPython, SQL\nRelevant Coursework: Data Structures, Computer Networking, Real Analysis')).toEqual(['Python', 'SQL']);
  });

  it('ignores degrees, emails and links', () => {
    expect(matchSkills('GitHub: github.com/ada/react-demo\nada@python.org\nEducation\nMS Statistics, BA Communication')).toEqual([]);
  });
});

describe('experience', () => {
  it.each([
    ['Jan 2019 – Mar 2022', 3.2],
    ['2019-2022', 3],
    ['03/2018 - present', 8.7],
    ['2017 — Present', 9.8],
    ['Sept. 2015 to June 2018', 2.8],
    ['2018-03 – 2020-06', 2.3],
    ['März 2015 – heute', 11.7],
    ["janv. 2016 – aujourd'hui", 10.8],
    ['ene. 2013 – mar. 2016', 3.2],
    ['since 2020', 6.8],
    ['January 2030 - Present', null],
  ])('"%s" is %s years', (range, years) => {
    expect(experienceYears(`Experience\nEngineer, Acme  ${range}`, NOW)).toBe(years);
  });

  it('counts overlapping jobs once and ignores education and other sections', () => {
    const text = 'Experience\nA  Jan 2019 - Mar 2022\nB  2020 - 2021\nEducation\nBSc 2010 - 2014\nProjects\nHobby 2005 - 2009';
    expect(experienceYears(text, NOW)).toBe(3.2);
  });

  it('takes an employer named like a heading for an employer ("Education First"), and a sentence for no heading', () => {
    const text =
      'Experience\nAcme  Jan 2019 - Mar 2022\nEducation First\nRecruiter  Jan 2015 - Dec 2018\nEnhanced project management skills.\nLead  2023 - 2024';
    expect(experienceYears(text, NOW)).toBe(8.1);
  });

  it('without a work section, has no figure rather than a guess from other dates', () => {
    expect(experienceYears('Ada Lovelace\nEngineer 2015 - 2020\nEducation\nBSc 2010 - 2014', NOW)).toBeNull();
    expect(experienceYears('No dates at all', NOW)).toBeNull();
  });

  it('reads date columns: stacked months, a dangling start, months above their year, short end years', () => {
    const at = (text: string) => experienceYears(text, new Date('2025-04-01T00:00:00Z'));
    // The end above the start, each beside a line of the entry.
    expect(
      at('Experience\nPresent | PhD Researcher, TU Munich\nJul 2024 | Robotics Institute\nDec 2018 | Teaching Assistant, Benghazi\nSep 2017 > Tutorials'),
    ).toBe(2);
    // "2023-" and "PRESENT" with the title between them; "FEB-SEPT" with its year below the title.
    expect(at('Experience\n2023-\nResearch Assistant\nPRESENT\nFEB-SEPT\nProgram Manager\n2020')).toBe(2.8);
    expect(at('Research Experience\n2021–23  Lab engineer\n2023.24  Postdoc')).toBe(3);
    // Dated single items by year are a list, not a range.
    expect(at('Experience\n2021 Award for teaching\n2019 Best paper')).toBeNull();
  });

  it('reads section labels set in a column beside the entries, and counts teaching only without other work', () => {
    const now = new Date('2024-11-20T00:00:00Z');
    const text = [
      'Research Graduate Research Assistant — Sound Lab',
      'Experience Smart Compost Bin  May 2023 - Present',
      'Career Graduate Teaching Assistant',
      'Experience Oregon State University  September 2022 - Present',
      'Volunteer Field Technical Advisor',
      'Experience FIRST Tech Challenge  December 2018 - February 2020',
      'Civil Society Activities',
      'Founder, Readers Project  2015 - 2020',
    ].join('\n');
    expect(experienceYears(text, now)).toBe(2.2);
    expect(experienceYears('Teaching\nLecturer  2019 - 2021', now)).toBe(2);
    expect(experienceYears('Research Experience\nPostdoc  2023 - 2024\nTeaching\nLecturer  2010 - 2021', now)).toBe(1);
  });

  it('reads the ranges real resumes print', () => {
    const years = (dates: string) => experienceYears(`Experience\nEngineer, Acme\n${dates}`, NOW);
    expect(years('Sep. 2023 Mar. 2024')).toBe(0.5); // the dash was a drawing, not a character
    expect(years('2023 Mar. — 2024 Jul.')).toBe(1.3);
    expect(years('Jul/2025 – Atual')).toBe(1.3);
    expect(years('Dec 2022 -- May 2024')).toBe(1.4);
    expect(years('2020 ‐ 2022')).toBe(2);
    expect(years('2015 年 3 月 – 2015 年 5 月')).toBe(0.2);
    expect(years('2017 –\nPresent')).toBe(9.8);
  });

  it('counts work sections only, whatever they are called', () => {
    expect(experienceYears('Selected Experience\nAcme 2019 - 2021\nResearch Experience\nLab 2010 - 2018', NOW)).toBe(2);
    expect(experienceYears('Berufserfahrung\nAcme 2019 - 2021\nAusbildung\nUni 2010 - 2018', NOW)).toBe(2);
  });

  it('is part of the parsed fields', () => {
    expect(parseResume('Ada Lovelace\nExperience\nEngineer 2019 - present', { now: NOW }).experienceYears).toBe(7.8);
  });
});
