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
    it('links F1 at least 0.90', () => expect(scores.links.f1).toBeGreaterThanOrEqual(0.9));
  });

  // Targets: phone ≥ 95%, email ≥ 98%, skills F1 ≥ 0.85, experience ≥ 90%, name and email from two
  // of three scans. The floors are the figures measured on the whole set of 117, its fourth
  // held-out round included (phone met its target on the set of 102 and fell below it with round 4).
  describe('targets not met yet: measured floors', () => {
    it('phone right on at least 94%', () => expect(scores.phone).toBeGreaterThanOrEqual(0.94));
    it('email right on at least 96%', () => expect(scores.email).toBeGreaterThanOrEqual(0.96));
    it('skills F1 at least 0.77', () => expect(scores.skills.f1).toBeGreaterThanOrEqual(0.77));
    it('experience within one year on at least 83%', () => expect(scores.experience).toBeGreaterThanOrEqual(0.83));
    it('four of seven scanned resumes give name and email through OCR', () => {
      const scans = scores.perFile.filter((file) => file.kind === 'scan');
      expect(scans.filter((file) => file.name && file.email).length / scans.length).toBeGreaterThanOrEqual(0.57);
    });
  });
});
