"""The vocabulary packet reads records with: what real documents call themselves in their
headings, what their section labels mean, and what each kind of section says about the kind of
document. Data only; packet/classify.py reads it.

Where the vocabulary comes from: the section labels records written elsewhere use (H&P and
SOAP notes, consultations, operative and procedure notes, radiology, pathology and cytology
reports, discharge summaries, emergency department notes, letters, lab tables, medication lists,
chemotherapy and radiation summaries), as counted on the tuned-on part of MTSamples
(mtsamples.com, CC0) and as the kinds in tests/corpus.py write them; the common C-CDA section
titles (hospital course, plan of care, discharge medications...) are among them.

A section label is evidence, not a verdict: each *concept* gives weights to one or more
categories, and a document's categories are scored from the set of concepts its labels name
(each concept once). Only a heading at the top of a document (its title) decides on its own.
"""

from __future__ import annotations

from enum import StrEnum

from packet.models import Category

C = Category


class Concept(StrEnum):
    """What a section of a record is about."""

    HEADER = "header"  # who, when, where: identifies the record, says nothing of its kind
    CHIEF_COMPLAINT = "chief complaint"
    PRESENT_ILLNESS = "history of present illness"
    PAST_HISTORY = "past medical and surgical history"
    SOCIAL_FAMILY = "social and family history"
    REVIEW_OF_SYSTEMS = "review of systems"
    PHYSICAL_EXAM = "physical examination"
    EXAM_PART = "examination finding"  # HEENT:, NECK:, LUNGS:, MOTOR: ...
    ALLERGIES = "allergies"
    MEDICATIONS = "medications section"
    SUBJECTIVE = "subjective"
    OBJECTIVE = "objective"
    ASSESSMENT = "assessment"
    PLAN = "plan"
    CONSULT_REASON = "reason for consultation"
    INTERVAL = "interval history"
    NOTE_DATA = "data in a note"  # LABORATORY DATA:, DIAGNOSTIC STUDIES:
    PSYCH = "psychiatric formulation"
    DIAGNOSIS = "diagnosis"
    PREOP_DIAGNOSIS = "pre-operative diagnosis"
    POSTOP_DIAGNOSIS = "post-operative diagnosis"
    OPERATION = "name of the operation"
    OPERATION_DETAIL = "description of the operation"
    OPERATIVE_FIELD = "operative field"  # anesthesia, blood loss, drains, tourniquet...
    INDICATIONS = "indications"
    FINDINGS = "findings"
    IMPRESSION = "impression"
    CONCLUSION = "conclusion"
    TECHNIQUE = "technique"
    COMPARISON = "comparison"
    EXAM_REASON = "reason for the exam"
    IMAGING_EXAM = "imaging exam"  # EXAM: CT CHEST ... (a modality in the value)
    IMAGING_MEASURE = "imaging measurement"  # echo chambers, fetal biometry, BI-RADS
    CLINICAL_HISTORY = "clinical history"
    SPECIMEN = "specimen"
    SPECIMEN_NATURE = "nature of specimen"
    GROSS = "gross description"
    MICROSCOPIC = "microscopic description"
    PATHOLOGY_DIAGNOSIS = "pathologic diagnosis"
    SYNOPTIC = "synoptic report item"  # pTNM, WHO grade, margins, histologic type...
    INTRAOPERATIVE = "intraoperative consultation"
    ACCESSION = "accession"
    BIOMARKER = "biomarker result"
    GENOMIC = "genomic result"
    ADMISSION = "admission"
    DISCHARGE = "discharge"
    HOSPITAL_COURSE = "hospital course"
    EMERGENCY = "emergency department"
    LAB_RESULT = "lab result"
    MEDICATION_ENTRY = "medication entry"
    TREATMENT = "treatment given"
    RADIATION = "radiation treatment"
    LETTER = "letter"
    BILLING = "insurance and billing"
    EMAIL = "email"


# How much each concept says for each category. A document's score for a category is the sum
# over the distinct concepts its labels name.
CONCEPT_WEIGHTS: dict[Concept, dict[Category, float]] = {
    Concept.HEADER: {},
    Concept.CHIEF_COMPLAINT: {C.CLINIC_NOTES: 3, C.HOSPITAL: 1},
    Concept.PRESENT_ILLNESS: {C.CLINIC_NOTES: 3, C.HOSPITAL: 1},
    Concept.PAST_HISTORY: {C.CLINIC_NOTES: 2, C.HOSPITAL: 0.5},
    Concept.SOCIAL_FAMILY: {C.CLINIC_NOTES: 2, C.HOSPITAL: 0.5},
    Concept.REVIEW_OF_SYSTEMS: {C.CLINIC_NOTES: 2, C.HOSPITAL: 0.5},
    Concept.PHYSICAL_EXAM: {C.CLINIC_NOTES: 2, C.HOSPITAL: 0.5},
    Concept.EXAM_PART: {C.CLINIC_NOTES: 1.5, C.HOSPITAL: 0.5},
    Concept.ALLERGIES: {C.CLINIC_NOTES: 1, C.HOSPITAL: 0.5},
    Concept.MEDICATIONS: {C.CLINIC_NOTES: 1, C.HOSPITAL: 0.5, C.MEDICATIONS: 0.5},
    Concept.SUBJECTIVE: {C.CLINIC_NOTES: 4},
    Concept.OBJECTIVE: {C.CLINIC_NOTES: 3},
    Concept.ASSESSMENT: {C.CLINIC_NOTES: 3, C.HOSPITAL: 0.5},
    Concept.PLAN: {C.CLINIC_NOTES: 2, C.HOSPITAL: 0.5, C.OPERATIVE: 0.5},
    Concept.CONSULT_REASON: {C.CLINIC_NOTES: 5},
    Concept.INTERVAL: {C.CLINIC_NOTES: 4},
    Concept.NOTE_DATA: {C.CLINIC_NOTES: 1, C.HOSPITAL: 1},
    Concept.PSYCH: {C.CLINIC_NOTES: 3},
    Concept.DIAGNOSIS: {C.PATHOLOGY: 1, C.CLINIC_NOTES: 1, C.HOSPITAL: 0.5},
    Concept.PREOP_DIAGNOSIS: {C.OPERATIVE: 6},
    Concept.POSTOP_DIAGNOSIS: {C.OPERATIVE: 6},
    Concept.OPERATION: {C.OPERATIVE: 5, C.HOSPITAL: 1},
    Concept.OPERATION_DETAIL: {C.OPERATIVE: 6},
    Concept.OPERATIVE_FIELD: {C.OPERATIVE: 3},
    Concept.INDICATIONS: {C.OPERATIVE: 1.5, C.IMAGING: 1.5},
    Concept.FINDINGS: {C.IMAGING: 2, C.OPERATIVE: 1},
    Concept.IMPRESSION: {C.IMAGING: 2, C.CLINIC_NOTES: 1.5},
    Concept.CONCLUSION: {C.IMAGING: 2},
    Concept.TECHNIQUE: {C.IMAGING: 3, C.OPERATIVE: 0.5},
    Concept.COMPARISON: {C.IMAGING: 4},
    Concept.EXAM_REASON: {C.IMAGING: 4},
    Concept.IMAGING_EXAM: {C.IMAGING: 7},
    Concept.IMAGING_MEASURE: {C.IMAGING: 4},
    Concept.CLINICAL_HISTORY: {C.IMAGING: 1, C.PATHOLOGY: 1},
    Concept.SPECIMEN: {C.PATHOLOGY: 3, C.OPERATIVE: 1.5},
    Concept.SPECIMEN_NATURE: {C.PATHOLOGY: 7},
    Concept.GROSS: {C.PATHOLOGY: 7},
    Concept.MICROSCOPIC: {C.PATHOLOGY: 7},
    Concept.PATHOLOGY_DIAGNOSIS: {C.PATHOLOGY: 5},
    Concept.SYNOPTIC: {C.PATHOLOGY: 4},
    Concept.INTRAOPERATIVE: {C.PATHOLOGY: 5},
    Concept.ACCESSION: {C.PATHOLOGY: 1.5, C.BIOMARKERS: 1, C.LABS: 0.5},
    Concept.BIOMARKER: {C.BIOMARKERS: 4},
    Concept.GENOMIC: {C.BIOMARKERS: 6},
    Concept.ADMISSION: {C.HOSPITAL: 5},
    Concept.DISCHARGE: {C.HOSPITAL: 7},
    Concept.HOSPITAL_COURSE: {C.HOSPITAL: 7},
    Concept.EMERGENCY: {C.HOSPITAL: 6},
    Concept.LAB_RESULT: {C.LABS: 4},
    Concept.MEDICATION_ENTRY: {C.MEDICATIONS: 3},
    Concept.TREATMENT: {C.TREATMENT: 5},
    Concept.RADIATION: {C.TREATMENT: 6},
    Concept.LETTER: {C.CLINIC_NOTES: 5},
    Concept.BILLING: {C.ADMINISTRATIVE: 6},
    Concept.EMAIL: {C.OTHER: 40},
}

_L = Concept


def _each(labels: str, concept: Concept) -> dict[str, Concept]:
    """'a, b, c' -> {'a': concept, 'b': concept, 'c': concept}."""
    return {label.strip(): concept for label in labels.split(",") if label.strip()}


# Section labels as records write them (lower case, "&" as "and", punctuation but "/" removed).
# Plurals and "(es)"/"(s)" are folded before lookup; a longer label that starts with a known one
# ("preoperative diagnosis and indications") takes the known one's meaning.
SECTION_LABELS: dict[str, Concept] = {
    # who, when, where
    **_each(
        "patient, patient name, name, dob, date of birth, birth date, d o b, mrn, medical record "
        "number, medical record, record number, account, account number, acct, fin, encounter, "
        "date, time, date of service, dos, service date, visit date, date of visit, date of exam, "
        "exam date, study date, date of study, date of procedure, procedure date, date of "
        "surgery, surgery date, date of operation, collected, collection date, date collected, "
        "received, reported, report date, signed, printed, age, sex, gender, room, location, "
        "unit, provider, physician, attending, attending physician, referring physician, "
        "ordering physician, primary care physician, pcp, surgeon of record, dictated by, "
        "transcribed, phone, tel, fax, address, ssn, page, copy to, cc to, service, facility, "
        "department, clinic, hospital, institution, race, status, id, patient id, order "
        "number, visit number, author, organization, date of consultation, consultation date, "
        "arrival date, arrival time, time seen, seen, date seen, requested by, referred by, "
        "dictating physician, electronically signed, verified, finalized, sign out, resulted, "
        "specimen date, date of specimen, date obtained, date received, date reported",
        _L.HEADER,
    ),
    # history and physical, consultation, SOAP note, office note
    **_each(
        "chief complaint, cc, chief complaints, presenting complaint, complaint, reason for "
        "followup, reason for follow-up, reason for follow up, reason for office visit, reason "
        "for visit, reason for the visit, reason for appointment, reason for encounter, visit "
        "reason",
        _L.CHIEF_COMPLAINT,
    ),
    **_each(
        "history of present illness, history of the present illness, hpi, hx, present illness, "
        "history, brief history, clinical summary, history of presenting illness, "
        "history and physical, identifying data, identification",
        _L.PRESENT_ILLNESS,
    ),
    **_each(
        "past medical history, pmh, pmhx, past history, medical history, past surgical history, "
        "psh, surgical history, past psychiatric history, previous surgery, past medical and "
        "surgical history, past medical history and past surgical history, immunizations, "
        "problem list, active problems, oncologic history, oncology history, cancer history, "
        "hospitalizations, obstetric history, gynecologic history, developmental history, "
        "birth history, last menstrual period, lmp",
        _L.PAST_HISTORY,
    ),
    **_each(
        "social history, shx, sh, family history, fhx, fh, family medical history, social "
        "habits, habits, personal history, personal and social history, shx/fhx, "
        "social/family history, family and social history, occupational history, tobacco, "
        "alcohol, tobacco use, substance use",
        _L.SOCIAL_FAMILY,
    ),
    **_each(
        "review of systems, ros, systems review, review of system",
        _L.REVIEW_OF_SYSTEMS,
    ),
    **_each(
        "physical examination, physical exam, pe, exam, examination, gen exam, general exam, "
        "general examination, vital signs, vitals, vs, mental status exam, mental status "
        "examination, neurological examination, neurologic examination, neurologic exam, "
        "examination findings, physical findings, on examination",
        _L.PHYSICAL_EXAM,
    ),
    **_each(
        "general, general appearance, constitutional, heent, head, eyes, eye, ears, ear, nose, "
        "throat, mouth, nose and throat, mouth and throat, oral cavity, ent, neck, lungs, lung, "
        "chest, heart, cardiac, cardiovascular, cv, abdomen, abdominal, extremities, "
        "extremity, back, spine, skin, integumentary, dermatologic, neurologic, neurological, "
        "neuro, cns, psychiatric, psych, musculoskeletal, msk, genitourinary, gu, genitalia, "
        "genital, gastrointestinal, gi, rectal, rectal exam, pelvic, pelvic exam, breasts, "
        "breast, lymphatic, lymphatics, lymph nodes, nodes, hematologic/lymphatic, endocrine, "
        "respiratory, pulmonary, vascular, pulses, motor, sensory, reflexes, gait, station, "
        "coordination, coord, cn, cranial nerves, ms, mental status, bp, pulse, temperature, "
        "respirations, weight, height, bmi, allergic/immunologic, immunologic, skin and "
        "breasts, joint exam, hematopoietic, muscle tone, strength, ",
        _L.EXAM_PART,
    ),
    **_each(
        "allergies, allergy, drug allergies, allergies to medications, medication allergies, "
        "nkda, known allergies",
        _L.ALLERGIES,
    ),
    **_each(
        "medications, medication, current medications, current medication, meds, home "
        "medications, outpatient medications, medications on admission, admission "
        "medications, present medications, medications at home, current outpatient "
        "prescriptions, prescriptions, current meds, today's medications, your medications, "
        "active medications",
        _L.MEDICATIONS,
    ),
    **_each(
        "subjective, s, subjective complaints",
        _L.SUBJECTIVE,
    ),
    **_each(
        "objective, o",
        _L.OBJECTIVE,
    ),
    **_each(
        "assessment, a, assessment and plan, a/p, assessment/plan, impression and plan, "
        "impression/plan, clinical impression, medical decision making, mdm, differential "
        "diagnosis, diagnostic impression, summary and recommendations, summary, "
        "discussion",
        _L.ASSESSMENT,
    ),
    **_each(
        "plan, p, plans, recommendation, recommendations, plan of care, treatment plan, "
        "follow-up, followup, follow up, return to clinic, rtc, patient instructions, "
        "instructions, counseling, goals, next steps",
        _L.PLAN,
    ),
    **_each(
        "reason for consultation, reason for consult, reason for referral, referral reason, "
        "consultation requested by, requesting physician, consulting physician, "
        "reason for evaluation, reason for the consultation",
        _L.CONSULT_REASON,
    ),
    **_each(
        "interval history, interval events, since last visit, subjective/interval history, "
        "overnight events",
        _L.INTERVAL,
    ),
    **_each(
        "laboratory data, laboratory, laboratory studies, laboratory findings, laboratory "
        "results, labs, lab, lab data, laboratories, diagnostic data, diagnostic studies, "
        "diagnostics, data, studies, imaging, radiology, radiologic studies, radiology "
        "studies, imaging studies, pertinent results, results, ekg, ecg, x-rays, x-ray, "
        "significant lab and x-ray, tests",
        _L.NOTE_DATA,
    ),
    **_each(
        "axis i, axis ii, axis iii, axis iv, axis v, mental status at the time of discharge, "
        "suicidal ideation, mood, affect, thought process",
        _L.PSYCH,
    ),
    **_each(
        "diagnosis, diagnoses, dx, final diagnoses, primary diagnosis, working diagnosis, problem, problems",
        _L.DIAGNOSIS,
    ),
    # operative and procedure notes
    **_each(
        "preoperative diagnosis, pre-operative diagnosis, preop diagnosis, pre-op diagnosis, "
        "preoperative dx, preop dx, preprocedure diagnosis, pre-procedure diagnosis, "
        "preprocedural diagnosis, pre-procedural diagnosis, preoperative indications",
        _L.PREOP_DIAGNOSIS,
    ),
    **_each(
        "postoperative diagnosis, post-operative diagnosis, postop diagnosis, post-op "
        "diagnosis, postoperative dx, postop dx, postprocedure diagnosis, post-procedure "
        "diagnosis, postprocedural diagnosis, post-procedural diagnosis",
        _L.POSTOP_DIAGNOSIS,
    ),
    **_each(
        "procedure, procedures, procedure performed, procedures performed, operation, "
        "operations, operation performed, operations performed, name of operation, name of "
        "procedure, names of operations, name of procedures, title of operation, title of "
        "procedure, operative procedure, operative procedures, procedure done, procedures "
        "done, surgery performed, surgical procedure, principal procedure, operation and "
        "procedure, procedure name, type of procedure, type of operation, operative "
        "procedure performed, surgery, procedure(s), operation(s), procedure(s) "
        "performed",
        _L.OPERATION,
    ),
    **_each(
        "description of procedure, description of the procedure, procedure in detail, "
        "procedure detail, procedure details, details of procedure, details of the procedure, "
        "description of operation, description of the operation, operative procedure in "
        "detail, operative technique, operative description, procedure description, "
        "description of operative procedure, summary of procedure, procedure note, "
        "operative note, operative report, operation in detail, details of operation, "
        "description, procedure and findings, operative course, technique and findings, "
        "procedure summary, summary of the procedure, detailed description, operative "
        "details, description of the operative procedure, narrative",
        _L.OPERATION_DETAIL,
    ),
    **_each(
        "anesthesia, anesthetic, type of anesthesia, anesthesiologist, anesthetist, estimated "
        "blood loss, ebl, blood loss, complications, drains, drain, fluids, iv fluids, "
        "intravenous fluids, fluids received, urine output, tourniquet time, total tourniquet "
        "time, tourniquet, surgeon, surgeons, assistant, assistants, first assistant, "
        "assistant surgeon, co-surgeon, implants, prosthesis, hemostasis, wound class, "
        "counts, sponge and needle counts, position, prep, condition, condition of the "
        "patient, disposition, blood transfusions, transfusions, operative findings, "
        "intraoperative findings, gross findings, sedation, monitoring, estimated blood "
        "loss (ebl), closure, dressing, antibiotics, preoperative antibiotics, "
        "indications for surgery, indication for surgery, indications for procedure, "
        "indication for procedure, indications for operation, indication for operation, "
        "indications for the procedure, consent, informed consent, time out, instruments, "
        "equipment, scope, length of procedure, total time, patient tolerance, "
        "hemodynamics",
        _L.OPERATIVE_FIELD,
    ),
    **_each(
        "indications, indication, clinical indication, clinical indications, reason for procedure",
        _L.INDICATIONS,
    ),
    # imaging
    **_each(
        "findings, finding",
        _L.FINDINGS,
    ),
    **_each(
        "impression, impressions",
        _L.IMPRESSION,
    ),
    **_each(
        "conclusion, conclusions, interpretation, summary of findings, final impression",
        _L.CONCLUSION,
    ),
    **_each(
        "technique, techniques, procedure technique, contrast, radiation dose, dlp, ctdivol, "
        "radiopharmaceutical, dose of radiopharmaceutical, views, sequences, protocol, "
        "exam technique, method, methods",
        _L.TECHNIQUE,
    ),
    **_each(
        "comparison, comparisons, comparison study, comparison studies, comparison exam, "
        "prior studies, prior study, prior exam, priors",
        _L.COMPARISON,
    ),
    **_each(
        "reason for exam, reason for examination, reason for study, reason for the exam, "
        "reason for imaging, exam reason, indication for exam, indication for study, "
        "clinical information provided, mammography information",
        _L.EXAM_REASON,
    ),
    **_each(
        "exam type, study, study type, examination type, modality, imaging exam",
        _L.IMAGING_EXAM,
    ),
    **_each(
        "bi-rads, birads, bi-rads category, assessment category, breast composition, "
        "left ventricle, right ventricle, left atrium, right atrium, aortic valve, mitral "
        "valve, tricuspid valve, pulmonic valve, pericardium, aorta, ejection fraction, "
        "doppler, m-mode, 2d echo, two-dimensional echocardiogram, fetal presentation, "
        "fetal cardiac activity, placenta, amniotic fluid, biometry, bpd, hc, ac, fl, "
        "estimated fetal weight, gestational age, cervix, uterus, ovaries, right ovary, left "
        "ovary, right kidney, left kidney, liver, gallbladder, spleen, pancreas, bladder, "
        "thyroid, right lobe, left lobe, isthmus, nerve conduction studies, needle emg, "
        "emg, ncv, myocardial perfusion imaging, stress test, suv, suv max, "
        "measurements, 2-d m-mode, 2-d study, 2-d, m-mode, 2d, 2d study, left ventricular "
        "function, wall motion, valves, chambers, stress ecg results, fetal position, fetal "
        "lie, general evaluation, echocardiogram, echo, vessels",
        _L.IMAGING_MEASURE,
    ),
    **_each(
        "clinical history, clinical information, clinical data, clinical, clinical notes, "
        "pertinent history, history provided",
        _L.CLINICAL_HISTORY,
    ),
    # pathology and cytology
    **_each(
        "specimen, specimens, specimen(s), specimens submitted, specimen submitted, "
        "specimens received, specimen received, source, specimen source, source of specimen, "
        "tissue, tissue submitted, part, parts, specimen type, specimens removed, specimen "
        "removed, sample type, sample, material, material received",
        _L.SPECIMEN,
    ),
    **_each(
        "nature of specimen, nature of the specimen, specimen description, type of "
        "specimen, specimen(s) received, specimen site, site of specimen",
        _L.SPECIMEN_NATURE,
    ),
    **_each(
        "gross description, gross, gross examination, macroscopic description, macroscopic, "
        "macro, macro report, macroscopic examination, gross report, gross and microscopic, "
        "gross and microscopic description, description of specimen",
        _L.GROSS,
    ),
    **_each(
        "microscopic description, microscopic, micro, microscopic examination, microscopy, "
        "microscopic findings, histology, histopathology, cytologic findings, cytologic "
        "description, micro report",
        _L.MICROSCOPIC,
    ),
    **_each(
        "final diagnosis, final diagnoses, pathologic diagnosis, pathological diagnosis, "
        "final pathologic diagnosis, pathology diagnosis, surgical pathology diagnosis, "
        "cytologic diagnosis, cytology diagnosis, interpretation and diagnosis, diagnosis "
        "and comment, diagnostic comment, adequacy, specimen adequacy, "
        "neuropathology",
        _L.PATHOLOGY_DIAGNOSIS,
    ),
    **_each(
        "ptnm, tnm, pathologic stage, pathological stage, pathologic staging, "
        "ajcc stage, who grade, grade, histologic grade, histological grade, nuclear grade, "
        "tumor grade, histologic type, histological type, tumor type, tumor size, tumor "
        "site, tumour site, margins, margin, surgical margins, margin status, resection "
        "margins, lymphovascular invasion, lymph-vascular invasion, perineural invasion, "
        "lymph nodes examined, regional lymph nodes, number of lymph nodes examined, "
        "extent of invasion, tumor focality, tumor extent, gleason score, gleason, "
        "gleason grade, grade group, nottingham score, procedure type, laterality, "
        "treatment effect, synoptic report, cap synoptic, depth of invasion",
        _L.SYNOPTIC,
    ),
    **_each(
        "frozen section, frozen section diagnosis, intraoperative consultation, intraoperative "
        "diagnosis, touch prep, touch preparation",
        _L.INTRAOPERATIVE,
    ),
    **_each(
        "accession, accession number, accession no, accession #, case number, case, case no, "
        "surgical pathology number, path number, lab number, specimen number, requisition, "
        "requisition number",
        _L.ACCESSION,
    ),
    # biomarkers
    **_each(
        "estrogen receptor, estrogen receptor (er), er, progesterone receptor, progesterone "
        "receptor (pr), pr, her2, her2 (ihc), her2/neu, her2 fish, her-2, ki-67, ki67, "
        "allred score, pd-l1, tps, tumor proportion score, combined positive score, cps, "
        "mismatch repair, mmr, mlh1, msh2, msh6, pms2, antibody, clone, immunohistochemistry, "
        "ihc, fish, fish result, her2/cep17 ratio, receptor status, biomarkers, biomarker "
        "results, stains, immunostains, special stains",
        _L.BIOMARKER,
    ),
    **_each(
        "genomic alterations identified, genomic alterations, genomic findings, alterations "
        "identified, variants identified, variants of uncertain significance, variants of "
        "unknown significance, pathogenic variants, genes analyzed, genes tested, tumor "
        "mutational burden, tmb, microsatellite status, msi, msi status, gene, variant, "
        "variant allele frequency, vaf, assay, test performed, tests performed, panel, "
        "methodology, result, results summary, germline findings, somatic findings, "
        "therapies with clinical benefit, clinical trials, sample type, tumor "
        "content",
        _L.GENOMIC,
    ),
    # hospital and emergency
    **_each(
        "admission date, date of admission, admit date, admitted, admitting diagnosis, "
        "admitting diagnoses, admission diagnosis, admission diagnoses, reason for "
        "admission, admitting physician, history of hospitalization, inpatient",
        _L.ADMISSION,
    ),
    **_each(
        "discharge date, date of discharge, discharge diagnosis, discharge diagnoses, "
        "discharge medications, discharge medication, discharge instructions, discharge "
        "condition, condition on discharge, condition at discharge, condition of patient on "
        "discharge, condition upon discharge, discharge disposition, disposition at "
        "discharge, discharge followup, discharge follow-up, discharge plan, discharge "
        "diet, discharge activity, discharged to, discharge summary, procedures during this "
        "hospitalization, procedures this admission, consultations, consults, consultants, "
        "diet, activity, final diagnosis on discharge, principal diagnosis, secondary diagnosis, "
        "other diagnoses, principal procedure, secondary procedures",
        _L.DISCHARGE,
    ),
    **_each(
        "hospital course, course in the hospital, history and hospital course, hospital "
        "course and treatment, brief hospital course, clinical course, course, summary of "
        "hospital course, hospital stay",
        _L.HOSPITAL_COURSE,
    ),
    **_each(
        "emergency department course, ed course, er course, course in the ed, course in the "
        "er, course in the emergency department, course in the emergency room, emergency "
        "room course, triage, triage note, mode of arrival, arrival, arrived by, ed "
        "studies, er studies, ed diagnosis, er diagnosis, emergency department diagnosis, "
        "time of arrival, acuity, esi, ed disposition, er disposition, last tetanus, last "
        "tetanus immunization, tetanus",
        _L.EMERGENCY,
    ),
    # labs
    **_each(
        "reference range, reference interval, ref range, normal range, units, flag, "
        "abnormal flag, result value, specimen collected, test name, component, "
        "performing lab, performing laboratory",
        _L.LAB_RESULT,
    ),
    # medication lists
    **_each(
        "sig, directions, refills, qty, quantity, dispensed, days supply, rx, rx #, rx "
        "number, prescriber, pharmacy, filled, last filled, strength, route, "
        "frequency",
        _L.MEDICATION_ENTRY,
    ),
    # chemotherapy and radiation
    **_each(
        "regimen, chemotherapy regimen, treatment regimen, cycle, cycle number, cycle/day, "
        "agent, agents, drug, drugs administered, dose, dose administered, total dose, "
        "cumulative dose, premedications, premedication, infusion start, infusion end, "
        "infusion time, administration, treatment intent, intent, line of therapy, "
        "treatment start date, treatment dates, date of treatment, dose reductions, "
        "toxicities, toxicity, response, body surface area, bsa, pre-medications, "
        "administered, chemotherapy, immunotherapy, systemic therapy",
        _L.TREATMENT,
    ),
    **_each(
        "fractions, fractionation, number of fractions, dose per fraction, total dose "
        "delivered, dose delivered, prescribed dose, prescription dose, treatment site, site "
        "treated, sites treated, site, energy, beam energy, modality of treatment, "
        "radiation, radiation therapy, radiotherapy, treatment technique, elapsed days, "
        "boost, target, target volume, ptv, treatment course",
        _L.RADIATION,
    ),
    # letters
    **_each(
        "re, regarding, in reference to",
        _L.LETTER,
    ),
    # insurance and billing
    **_each(
        "member, member id, member name, member number, subscriber, subscriber id, group, "
        "group number, plan name, claim, claim number, claim #, claim id, amount "
        "billed, billed, amount due, balance due, plan paid, paid by plan, patient "
        "responsibility, you owe, deductible, copay, coinsurance, allowed amount, "
        "statement date, account balance, service requested, determination, authorization "
        "number, reference number, payer, insurance, insurance carrier, policy number, "
        "provider of service, total charges, charges, adjustments, payments",
        _L.BILLING,
    ),
}

# Exam names in an "EXAM:"/"PROCEDURE:" value that make it an imaging exam, not a physical exam
# or an operation.
MODALITY = (
    r"^(?:\w+\s+){0,3}?(ct|cta|mri?|mra|pet|pet/ct|us|xr|nm|dexa|x-ray|mammo\w*|ultrasound"
    r"|sonogra\w*|echocardiogra\w*|doppler|duplex|radiograph\w*|fluoroscop\w*|bone scan"
    r"|scan|tomosynthesis|angiogra\w*|venogra\w*|arthrogra\w*|myelogra\w*|cystogra\w*"
    r"|nuclear|chest (x-ray|film|radiograph)|cat scan|ivp|ugi|upper gi|barium|kub|mrcp"
    r"|carotid|renal artery|venous|arterial)\b"
)

# Headings a document gives itself: a phrase that names the kind of document, found in a title
# line at the top. Weight DECISIVE or more decides the category on its own; smaller weights
# (department names in a letterhead) add to the labels' evidence. Inside a sentence a phrase
# counts little (PROSE_WEIGHT).
DECISIVE = 10
PROSE_WEIGHT = 0.5
TITLE_PHRASES: tuple[tuple[Category, str, int], ...] = (
    (C.OTHER, r"^email\b", 40),
    (C.PATHOLOGY, r"surgical pathology|pathology report|cytopathology|cytology report|cytology|hematopathology|neuropathology|dermatopathology|histopathology report|pathology consultation|bone marrow (biopsy|aspirate|report)|autopsy|frozen section report|pathologic(al)? (examination|report)", 12),
    (C.PATHOLOGY, r"(outside|second)[- ](slide|pathology|opinion) (review|consultation)|slide review|pathology - |final pathology", 13),
    (C.PATHOLOGY, r"department of pathology|pathology( and laboratory medicine)?( department| services)?$|anatomic pathology|laboratory medicine", 3),
    (C.BIOMARKERS, r"next[- ]generation sequencing|comprehensive genomic|genomic (profil\w*|report|testing|alterations)|molecular (pathology|profil\w*|diagnostics|report|testing|results)|tumor (genomic|molecular) profil\w*|liquid biopsy|circulating tumor dna|ctdna", 14),
    (C.BIOMARKERS, r"germline|hereditary cancer|genetic testing|multi-?gene panel|genetic (counseling )?report|brca(1|2)? (testing|analysis|results)", 13),
    (C.BIOMARKERS, r"biomarker|immunohistochemi\w*|receptor (status|panel|results)|her2 (fish|ihc|testing)|fish (report|analysis|results)|pd-l1|mismatch repair|microsatellite instability|ihc (report|results|panel|stains)|oncotype|mammaprint|recurrence score|tumor markers? profile|prognostic markers", 13),
    (C.IMAGING, r"radiology report|diagnostic (imaging|radiology)|imaging report|\b(ct|cta|mri|mr|mra|pet|pet/ct|ultrasound|sonogram|mammogra\w*|x-ray|nuclear medicine|dexa|bone scan|echo)\b.*\b(report|scan|study|exam)\b", 12),
    (C.IMAGING, r"^(ct|cta|mri|mr|mra|pet|pet/ct|us|xr|nm)\b|mammogra\w*|tomosynthesis|ultrasound|sonogra\w*|echocardiogra\w*|doppler|duplex|computed tomography|magnetic resonance|positron emission|bone scan|x-ray|radiograph\w*|fluoroscop\w*|angiogra\w*|myocardial perfusion|nuclear (medicine|stress)|stress test|dexa|bone density|nerve conduction|electromyogra\w*|\bemg\b|electroencephalogra\w*|\beeg\b", 11),
    (C.IMAGING, r"^radiology$|department of radiology|breast imaging center|imaging (center|services)$", 3),
    (C.OPERATIVE, r"operative (report|note)|op note|procedure note|operation (report|note)|brief op|surgical (report|note)|operative summary|delivery note|cardiac catheteri[sz]ation|catheteri[sz]ation (report|lab)|colonoscopy|endoscopy|egd|bronchoscopy|cystoscopy|laparoscop\w*|thoracentesis|paracentesis|lumbar puncture|biopsy procedure|port(-a-cath)? placement", 13),
    (C.TREATMENT, r"chemotherapy|infusion (record|summary|flowsheet|note)|treatment summary|end[- ]of[- ]treatment|systemic therapy|immunotherapy (record|summary)|medication administration record", 13),
    (C.TREATMENT, r"radiation (therapy|oncology) (treatment )?(summary|completion|record|plan|note)|radiotherapy (summary|record)|treatment plan|radiation treatment", 12),
    (C.CLINIC_NOTES, r"after visit summary|visit summary|progress note|office (visit|note)|clinic (note|visit)|new patient|follow[- ]?up (visit|note)|return visit|tumor board|history and physical|\bh ?& ?p\b|soap note|consult(ation)? (note|report)|outpatient (note|visit)|telehealth|telemedicine|video visit|established patient|annual (exam|visit)|well (woman|child)|preoperative evaluation|second opinion|oncology (note|visit)|chart note|clinic visit note|physician note", 12),
    (C.CLINIC_NOTES, r"consultation|consult$|(medical|surgical|radiation|gynecologic) oncology( consultation| consult| follow-?up)?$", 11),
    (C.CLINIC_NOTES, r"cancer (center|institute)$|oncology (associates|clinic|department)$|^clinic$", 2),
    (C.HOSPITAL, r"discharge summary|emergency (department|room|physician|medicine|visit)|\b(ed|er) (provider |physician )?(note|report|visit|record)|hospital course|admission (history|h&p|note|summary)|discharge (instructions|note)|inpatient (note|summary)|transfer summary|death summary|hospital discharge|urgent care", 14),
    (C.LABS, r"laborator(y|ies) (report|results)|lab(oratory)? results|complete blood count|\bcbc\b|metabolic panel|\bcmp\b|\bbmp\b|tumor markers?|urinalysis|lipid panel|liver function|coagulation|hematology|chemistry|blood work|culture (report|results)|microbiology|flow cytometry report", 12),
    (C.MEDICATIONS, r"medication list|current medications|medication reconciliation|pharmacy (printout|record|profile)|prescription (history|record)|medication history|list of medications|my medications|medications list", 12),
    (C.OTHER, r"continuity of care document|health summary|summary of care( record)?|patient health record|personal health record", 13),
    (C.ADMINISTRATIVE, r"explanation of benefits|this is not a bill|billing statement|statement of account|prior authori[sz]ation|insurance (card|claim|statement|verification)|claim summary|itemized (bill|statement)|notice of (coverage|denial)|coverage determination|invoice|financial assistance|patient statement", 14),
)  # fmt: skip

# Phrases that mark a letter when a sentence holds them ("Thank you for referring ...").
LETTER_LINES = (
    r"^(dear|to whom it may concern)\b|^(yours )?(sincerely|truly|respectfully)|^(kind|best|warm)"
    r" regards|^regards\b|^with (best|kind) (wishes|regards)|thank you (very much )?for (referring|"
    r"allowing|the opportunity|this (kind )?referral|asking|your referral|letting me|involving)|"
    r"(it was|it is) a pleasure (to see|seeing|meeting)|i (had the pleasure|saw your patient)|"
    r"please (do not hesitate|feel free) to (contact|call)|^cc:? dr\b|^re:"
)

# A row of a lab table: a test, a number, a unit or a range ("WBC 5.2 K/uL 4.0-11.0").
LAB_ROW = (
    r"^[a-z][a-z0-9 ,()/%.-]{1,40}?\s+[<>]?\d+(\.\d+)?\s*(h|l|high|low|\*)?\s+"
    r"(mg/dl|g/dl|k/ul|m/ul|x10\S*|mmol/l|meq/l|u/l|iu/l|ng/ml|pg/ml|ug/dl|%|fl|pg|sec|seconds"
    r"|mm/hr|u/ml|mg/l|ml/min\S*|cells/ul|/ul|mcg/l|umol/l|g/l|ratio)\b"
)
# A medicine with its dose ("letrozole 2.5 mg by mouth once daily").
MEDICATION_ROW = (
    r"^[a-z][a-z -]{2,30}\s\d+(\.\d+)?\s?(mg|mcg|g|units?|iu|ml|%)\b.*\b(daily|twice|once|"
    r"bid|tid|qid|qd|qhs|prn|as needed|every|by mouth|po|weekly|nightly|at bedtime)\b"
)

# Wording in sentences, for documents with neither a heading nor section labels (dictated
# prose). Each cue found counts once, and only when several agree is it (weak) evidence.
PROSE_CUES: tuple[tuple[Category, str], ...] = (
    (
        C.OPERATIVE,
        r"prepped and draped|operating (room|table)|(general|spinal|local|epidural|monitored) anesthesia|anesthesia was induced|incision was made|sterile fashion|tolerated the procedure|estimated blood loss|hemostasis|trocar|retractor|electrocautery|to the (recovery room|pacu)|delivered a (viable|live)|apgars?|was (inserted|introduced|advanced) (into|through|under)|sutures?\b|was closed (in|with)|dissected|was excised|the scope was|irrigated|draped in the usual",
    ),
    (
        C.IMAGING,
        r"(axial|coronal|sagittal) (images|plane|sections)|images were (obtained|acquired)|views? (were|was) obtained|(no|without) (acute|focal) (abnormality|abnormalities|lesion)|echogenic|hypoechoic|enhancement|waveforms?|doppler|radiotracer|attenuation|signal (intensity|abnormality)|left ventricular (size|function|cavity)|ejection fraction (is|was|of|estimated)|velocit(y|ies)|is (unremarkable|normal in size)|there is no evidence of",
    ),
    (
        C.CLINIC_NOTES,
        r"presents (today|for|with)|is in today|(she|he) is here|(return|follow ?up|see (her|him) back) in \d|(seen|saw (her|him)) (today|in (the )?(clinic|office))|in (the )?(clinic|office) today|i (have )?(discussed|recommended|explained|reviewed)|we (discussed|will|talked)|(she|he) (denies|reports|complains)|on examination|today'?s visit|at this visit|past medical history",
    ),
    (
        C.HOSPITAL,
        r"was admitted|hospital (stay|day)|discharged (home|to)|emergency (room|department)|intensive care|\bicu\b|(upon|on) admission|was transferred",
    ),
    (
        C.TREATMENT,
        r"radiotherapy|radiation therapy|chemotherapy|brachytherapy|\bgy\b|treatment fields?|simulation films?|infusion",
    ),
    (
        C.PATHOLOGY,
        r"sections? (show|reveal|demonstrate)|received in formalin|specimen (is|was) received|immunostains?|margins? (are|is) (free|negative|involved)|histologic(al)?|cassettes?|frozen section",
    ),
)
