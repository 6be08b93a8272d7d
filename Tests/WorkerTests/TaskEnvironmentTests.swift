import Testing
import Worker

@Suite struct TaskEnvironmentTests {
    @Test func withoutSLURMOrOptionsOneTaskRunsEverything() throws {
        let env = try TaskEnvironment.resolve(environment: [:])
        #expect(env.task == 0 && env.tasks == 1 && env.attempt == 0 && env.jobID == nil)
    }

    @Test func arrayTaskIsCountedFromTheArraysMinimum() throws {
        let env = try TaskEnvironment.resolve(environment: [
            "SLURM_ARRAY_TASK_ID": "13", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_COUNT": "20",
            "SLURM_ARRAY_JOB_ID": "500", "SLURM_JOB_ID": "517", "SLURM_RESTART_COUNT": "2", "SLURM_CPUS_PER_TASK": "4",
        ])
        #expect(env.task == 3 && env.tasks == 20)
        #expect(env.attempt == 2 && env.arrayJobID == "500" && env.jobID == "517" && env.arrayTaskID == 13 && env.cpus == 4)
    }

    @Test func submitsOffsetAndTotalOverrideTheArrayShape() throws {
        let env = try TaskEnvironment.resolve(environment: [
            "SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_COUNT": "4",
            "SWEEP_TASKS": "3000", "SWEEP_TASK_OFFSET": "1001",
        ])
        #expect(env.task == 1008 && env.tasks == 3000)
    }

    @Test func explicitTaskWinsOverTheEnvironment() throws {
        let env = try TaskEnvironment.resolve(environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2"],
                                              task: 4, tasks: 5)
        #expect(env.task == 4 && env.tasks == 5)
    }

    @Test func badInputIsRejectedWithTheVariableNamed() {
        #expect(throws: TaskEnvironmentError.notAnInteger(variable: "SLURM_ARRAY_TASK_ID", value: "x")) {
            try TaskEnvironment.resolve(environment: ["SLURM_ARRAY_TASK_ID": "x"])
        }
        #expect(throws: TaskEnvironmentError.outOfRange(task: 5, tasks: 5)) {
            try TaskEnvironment.resolve(environment: [:], task: 5, tasks: 5)
        }
        #expect(throws: TaskEnvironmentError.taskWithoutTasks) {
            try TaskEnvironment.resolve(environment: [:], task: 1, tasks: nil)
        }
        #expect(throws: TaskEnvironmentError.missing(variable: "SLURM_ARRAY_TASK_COUNT", because: "SLURM_ARRAY_TASK_ID is set")) {
            try TaskEnvironment.resolve(environment: ["SLURM_ARRAY_TASK_ID": "1"])
        }
    }
}
