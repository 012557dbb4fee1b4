import { beforeAll, describe, expect, it } from 'vitest';
import { scoreRealResumes, type FieldScores } from '../helpers/real-resumes.ts';

/**
 * Field accuracy on the labeled set of real resumes (test/fixtures/real-resumes): public documents
 * that Vitae's authors did not make, labeled by reading their rendered pages. Each figure is held
 * as a floor at what was measured, rounded down, so that no change makes it worse, whether its
 * target is met or not yet (bench/resume-accuracy-real.ts prints every miss, and README lists
 * which targets are still open).
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

  // Targets met (name, email and phone all right ≥ 90%, name ≥ 92%, phone ≥ 95%, links F1 ≥ 0.90)
  // are held at the figures measured on the whole set of 132, rounded down, so that no change makes them worse.
  describe('targets met: measured floors', () => {
    it('name, email and phone all right on at least 92%', () => expect(scores.contact).toBeGreaterThanOrEqual(0.92));
    it('name right on at least 94%', () => expect(scores.name).toBeGreaterThanOrEqual(0.94));
    it('phone right on at least 96%', () => expect(scores.phone).toBeGreaterThanOrEqual(0.96));
    it('links F1 at least 0.95', () => expect(scores.links.f1).toBeGreaterThanOrEqual(0.95));
  });

  // Targets: email ≥ 98%, skills F1 ≥ 0.85, experience ≥ 90%, name and email from two of three scans. The
  // floors are the figures measured on the whole set of 132, its fifth held-out round included (email
  // met its target on the set of 117 and fell below it with round 5).
  describe('targets not met yet: measured floors', () => {
    it('email right on at least 97%', () => expect(scores.email).toBeGreaterThanOrEqual(0.97));
    it('skills F1 at least 0.79', () => expect(scores.skills.f1).toBeGreaterThanOrEqual(0.79));
    it('experience within one year on at least 88%', () => expect(scores.experience).toBeGreaterThanOrEqual(0.88));
    it('five of nine scanned resumes give name and email through OCR', () => {
      const scans = scores.perFile.filter((file) => file.kind === 'scan');
      expect(scans.filter((file) => file.name && file.email).length / scans.length).toBeGreaterThanOrEqual(0.55);
    });
  });
});
