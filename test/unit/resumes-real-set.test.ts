import { beforeAll, describe, expect, it } from 'vitest';
import { scoreRealResumes, type FieldScores } from '../helpers/real-resumes.ts';

/**
 * Field accuracy on the labeled set of real resumes (test/fixtures/real-resumes): public documents
 * that Vitae's authors did not make, labeled by reading their rendered pages. Targets that the
 * parser meets are held as targets; for those it does not meet yet, the test holds the measured
 * figure as a floor so that no change makes them worse (bench/resume-accuracy-real.ts prints every
 * miss, and README lists which targets are still open).
 */
describe('resume parsing on real resumes', () => {
  let scores: FieldScores;
  beforeAll(async () => {
    scores = await scoreRealResumes();
  }, 1_800_000);

  it('covers at least 60 files, 10 two-column, 10 DOCX, 5 non-English and 3 scans', async () => {
    const { loadRealResumes } = await import('../helpers/real-resumes.ts');
    const set = loadRealResumes();
    expect(set.length).toBeGreaterThanOrEqual(60);
    expect(set.filter((resume) => resume.columns === 2).length).toBeGreaterThanOrEqual(10);
    expect(set.filter((resume) => resume.file.endsWith('.docx')).length).toBeGreaterThanOrEqual(10);
    expect(set.filter((resume) => resume.language !== 'en').length).toBeGreaterThanOrEqual(5);
    expect(set.filter((resume) => resume.kind === 'scan').length).toBeGreaterThanOrEqual(3);
  });

  describe('targets met', () => {
    it('name, email and phone all right on at least 90% of files', () => expect(scores.contact).toBeGreaterThanOrEqual(0.9));
    it('name right on at least 92%', () => expect(scores.name).toBeGreaterThanOrEqual(0.92));
    it('phone right on at least 95%', () => expect(scores.phone).toBeGreaterThanOrEqual(0.95));
    it('links F1 at least 0.90', () => expect(scores.links.f1).toBeGreaterThanOrEqual(0.9));
  });

  // Targets: email ≥ 98%, skills F1 ≥ 0.85, experience ≥ 90%, name and email from two of three scans.
  // The floors are the figures measured on the whole set of 102, its third held-out round included.
  describe('targets not met yet: measured floors', () => {
    it('email right on at least 97%', () => expect(scores.email).toBeGreaterThanOrEqual(0.97));
    it('skills F1 at least 0.78', () => expect(scores.skills.f1).toBeGreaterThanOrEqual(0.78));
    it('experience within one year on at least 86%', () => expect(scores.experience).toBeGreaterThanOrEqual(0.86));
    it('three of five scanned resumes give name and email through OCR', () => {
      const scans = scores.perFile.filter((file) => file.kind === 'scan');
      expect(scans.filter((file) => file.name && file.email).length / scans.length).toBeGreaterThanOrEqual(0.6);
    });
  });
});
