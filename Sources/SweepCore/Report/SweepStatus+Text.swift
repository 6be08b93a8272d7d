// `sweep status` as text for an 80-column terminal: the counts table per optimizer, the failed
// configurations with their errors, the running ones with their last epoch, what squeue says, and
// anything wrong in the shards.

extension SweepStatus {
    /// The status as text. `now` (seconds since 1970) dates the running runs' last records; `queue` is
    /// what squeue listed (nil when it was not asked or did not answer; `queueNote` then says why).
    public func render(now: Double, queue: QueueSnapshot?, queueNote: String?) -> String {
        var text = wrap(folderExists
            ? "\(sweep): \(plural(overall.total, "configuration")), \(plural(recordCount, "record")) in \(folder.root)"
            : "\(sweep): \(plural(overall.total, "configuration")), no results yet (\(folder.root) does not exist)", indent: 0) + "\n"
        var table = TextTable(columns: [.init("optimizer")] + RunState.allCases.map { .init($0.rawValue, .right) } + [.init("total", .right)])
        for group in groups {
            table.append([group.name] + group.counts.values.map(String.init) + [String(group.counts.total)])
        }
        if groups.count > 1 { table.append(["all"] + overall.values.map(String.init) + [String(overall.total)]) }
        text += table.render(width: 80, keep: 1)

        if !failed.isEmpty {
            text += "\n" + heading("failed", shown: failed.count, of: overall[.failed])
            for run in failed {
                text += item(run.index, run.setting)
                let origin = [run.host, run.attempt.map { "attempt \($0)" }, run.time].compactMap { $0 }.joined(separator: ", ")
                text += wrap(printable("error: " + run.message + (origin.isEmpty ? "" : " (\(origin))")), indent: 6)
            }
            if overall[.failed] > failed.count {
                text += "errors of all \(overall[.failed]) failed, most frequent first:\n"
                for entry in failureMessages.prefix(5) { text += wrap(printable("\(entry.count) × \(entry.message)"), indent: 2) }
                if failureMessages.count > 5 { text += "  … \(plural(failureMessages.count - 5, "other message"))\n" }
            }
        }
        if !running.isEmpty {
            text += "\n" + heading("running", shown: running.count, of: overall[.running])
            for run in running {
                text += item(run.index, run.setting)
                var parts: [String] = []
                switch (run.epoch, run.epochs) {
                case let (epoch?, total?): parts.append("epoch \(epoch)/\(total)")
                case let (epoch?, nil): parts.append("epoch \(epoch)")
                case (nil, _): parts.append("started")
                }
                parts += run.metrics.filter { $0.name != MetricNames.learningRate }.prefix(4).map { "\($0.name) \(formatNumber($0.value))" }
                if let host = run.host { parts.append(host) }
                if let last = run.lastRecord { parts.append("last record \(age(now - last)) ago") }
                text += wrap(printable(parts.joined(separator: ", ")), indent: 6)
            }
        }

        text += "\n"
        if let queue {
            if queue.jobs.isEmpty {
                text += "squeue: no queued or running array tasks of this sweep\n"
            } else {
                text += "squeue:\n" + queue.lines.map { wrap($0, indent: 2) }.joined()
            }
        } else if let queueNote {
            text += "squeue: \(queueNote)\n"
        }
        if foreignRecords > 0 {
            let verb = foreignConfigurations == 1 ? "is" : "are"
            text += wrap("note: \(plural(foreignRecords, "record")) of \(plural(foreignConfigurations, "configuration")) that \(verb) not in this grid (edited since?) not counted", indent: 0)
        }
        // Shard paths relative to the results folder: shorter, and what a user would type.
        let prefix = folder.root.hasSuffix("/") ? folder.root : folder.root + "/"
        for problem in problems.prefix(5) {
            var relative = problem
            if relative.file.hasPrefix(prefix) { relative.file.removeFirst(prefix.count) }
            text += wrap("warning: " + relative.description, indent: 0)
        }
        if problems.count > 5 { text += "warning: \(problems.count - 5) more problems in the shards\n" }
        return text
    }

    private func heading(_ what: String, shown: Int, of total: Int) -> String {
        shown == total ? "\(what) (\(total)):\n" : "\(what) (\(total), first \(shown) by index; --limit N shows more):\n"
    }

    private func item(_ index: Int, _ setting: String) -> String {
        let line = "  #\(index)" + (setting.isEmpty ? "" : "  " + printable(setting))
        return (line.count > 80 ? String(line.prefix(79)) + "…" : line) + "\n"
    }
}
