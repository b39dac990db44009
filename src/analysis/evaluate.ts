// Condition semantics belong to the model: the analysis, the simulation and the sandbox platform read them from there.
export * from "../model/evaluate";
