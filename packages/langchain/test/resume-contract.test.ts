import { inProcessSubjects } from "./contract/in-process-subjects.js";
import { describeResumeContract } from "./contract/resume-contract.js";

for (const subject of inProcessSubjects) describeResumeContract(subject);
