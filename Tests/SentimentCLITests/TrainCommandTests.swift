import Foundation
import GRUClassifier
import SentimentKit
import Testing

@testable import SentimentCLI

/// The stderr lines of a training run that report an epoch ("epoch 2/3: loss …").
private func epochLines(_ standardError: String) -> [Substring] {
    outputLines(standardError).filter { $0.hasPrefix("epoch ") }
}

private func directoryContents(_ directory: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
}

@Suite struct TrainCommandTests {
    private let corpus = TestModelFiles.englishCorpus.path

    @Test func writesTheModelAtomicallyAndReportsOneLinePerEpochOnStandardError() throws {
        try withTemporaryDirectory { directory in
            let model = directory.appendingPathComponent("film.safetensors")
            try Data("an older model".utf8).write(to: model)
            let result = try SentimentBinary.run(
                ["train", corpus, "--model", model.path, "--epochs", "2", "--patience", "0"]
                    + TestModelFiles.tinyNetwork, in: directory)
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardOutput == "")
            // Not a terminal: plain lines, no progress bar redrawn with carriage returns or escapes.
            #expect(!result.standardError.contains("\r") && !result.standardError.contains("\u{1B}"))
            let lines = outputLines(result.standardError)
            #expect(
                lines.first?.hasPrefix("train: 360 training and 40 validation documents, vocabulary ") == true
            )
            let epochs = epochLines(result.standardError)
            #expect(epochs.count == 2)
            #expect(epochs.first?.hasPrefix("epoch 1/2: loss ") == true)
            #expect(epochs.last?.hasPrefix("epoch 2/2: loss ") == true)
            #expect(epochs.allSatisfy { $0.contains("valid accuracy") && $0.contains("tokens/s") })
            #expect(lines.last?.hasPrefix("trained 2 epochs in ") == true)
            #expect(lines.last?.hasSuffix("model written to \(model.path)") == true)
            #expect(lines.count == 6)
            #expect(lines[1].hasPrefix("train: skip-gram pre-training of the embedding: 5 epochs over "))
            #expect(
                lines[4].hasPrefix("train: temperature ")
                    && lines[4].contains(" fitted on the validation set: log loss "))
            // The old file was replaced and no temporary file is left beside it.
            #expect(try directoryContents(directory) == ["film.safetensors"])

            // The shape options reach the model; the file names are recorded.
            let trained = try SentimentModel(contentsOf: model)
            let temperature = try #require(trained.temperature)
            #expect(lines[4].hasPrefix("train: temperature \(String(format: "%.3f", temperature)) fitted"))
            #expect(trained.classifier.configuration.embeddingDim == 8)
            #expect(trained.classifier.configuration.hidden == 8)
            #expect(trained.trainingRecord?.trainingFiles == [corpus])
            #expect(trained.trainingRecord?.validationFiles == nil)
            let vocabularyLine = try #require(lines.first)
            #expect(vocabularyLine.contains("vocabulary \(trained.vocabulary.count) tokens"))
        }
    }

    @Test func validSplitZeroTrainsOnEverythingAndRunsEveryEpoch() throws {
        try withTemporaryDirectory { directory in
            let model = directory.appendingPathComponent("m.safetensors")
            let result = try SentimentBinary.run(
                ["train", corpus, "--valid-split", "0", "--epochs", "3", "--model", model.path]
                    + TestModelFiles.tinyNetwork)
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardError.hasPrefix("train: 400 training and 0 validation documents"))
            let epochs = epochLines(result.standardError)
            #expect(epochs.count == 3)
            #expect(epochs.allSatisfy { !$0.contains("valid") })
            #expect(outputLines(result.standardError).last?.hasPrefix("trained 3 epochs in ") == true)
            #expect(!result.standardError.contains("best validation accuracy"))
            #expect(result.standardError.contains("train: no validation set, so no temperature is fitted"))
            #expect(try SentimentModel(contentsOf: model).temperature == nil)
            let record = try #require(try SentimentModel(contentsOf: model).trainingRecord)
            #expect(record.options?["valid_split"] == "0.0")
        }
    }

    @Test func lazyAdamIsAcceptedAndRecorded() throws {
        try withTemporaryDirectory { directory in
            func train(_ name: String, _ options: [String]) throws -> SentimentModel {
                let model = directory.appendingPathComponent(name)
                let result = try SentimentBinary.run(
                    ["train", corpus, "--valid-split", "0", "--epochs", "1", "--model", model.path]
                        + TestModelFiles.tinyNetwork + options)
                #expect(result.status == 0, "\(result.standardError)")
                return try SentimentModel(contentsOf: model)
            }
            let dense = try train("dense.safetensors", [])
            let lazy = try train("lazy.safetensors", ["--lazy-adam"])
            #expect(dense.trainingRecord?.options?["lazy_adam"] == "false")
            #expect(lazy.trainingRecord?.options?["lazy_adam"] == "true")
        }
    }

    @Test func poolingShapesTheHeadAndAdversarialTrainingIsRecorded() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("pooled.safetensors").path
            let result = try SentimentBinary.run(
                ["train", corpus, "--valid-split", "0", "--epochs", "1", "--model", path]
                    + TestModelFiles.tinyNetwork + ["--pooling", "final-max-mean", "--adversarial", "0.1"])
            #expect(result.status == 0, "\(result.standardError)")
            let model = try SentimentModel(path: path)
            let network = model.classifier.configuration
            #expect(network.pooling == .finalMaxMean)
            let head = model.classifier.namedParameters().first { $0.name == "out.weight" }?.tensor.shape
            #expect(head == [1, 6 * network.hidden])
            #expect(model.trainingRecord?.options?["adversarial"] == "0.1")
            let scored = try SentimentBinary.run(
                ["score", "--model", path], input: Array("great film\n".utf8))
            #expect(scored.status == 0 && scored.standardOutput.split(separator: "\n").count == 1)
        }
    }

    @Test func pretrainingIsReportedOnStandardErrorAndItsEpochsRecorded() throws {
        try withTemporaryDirectory { directory in
            func train(_ name: String, _ options: [String]) throws -> (SentimentModel, String) {
                let model = directory.appendingPathComponent(name)
                let result = try SentimentBinary.run(
                    ["train", corpus, "--valid-split", "0", "--epochs", "1", "--model", model.path]
                        + TestModelFiles.tinyNetwork + options)
                #expect(result.status == 0, "\(result.standardError)")
                return (try SentimentModel(contentsOf: model), result.standardError)
            }
            let (pretrained, pretrainedLog) = try train("pretrained.safetensors", [])
            let (random, randomLog) = try train("random.safetensors", ["--pretrain-epochs", "0"])
            // One line, between the documents line and the first epoch, with the rows of the vocabulary.
            let lines = outputLines(pretrainedLog)
            #expect(lines.count > 2)
            #expect(
                lines[1].hasPrefix("train: skip-gram pre-training of the embedding: 5 epochs over "),
                "\(pretrainedLog)")
            #expect(lines[1].contains(" of \(pretrained.vocabulary.count) rows, "), "\(lines[1])")
            #expect(!randomLog.contains("skip-gram"))
            #expect(!pretrainedLog.contains("stays frozen"), "a small corpus's embedding is not frozen")
            #expect(pretrained.trainingRecord?.options?["pretrain_epochs"] == "5")
            #expect(random.trainingRecord?.options?["pretrain_epochs"] == "0")
        }
    }

    @Test func validFileReplacesTheSplit() throws {
        try withTemporaryDirectory { directory in
            let valid = directory.appendingPathComponent("dev.tsv")
            try Data("text\tlabel\nwhat a great film\tpos\nawful and boring\tneg\nlovely\tpositive\n".utf8)
                .write(
                    to: valid)
            let model = directory.appendingPathComponent("m.safetensors")
            let result = try SentimentBinary.run(
                [
                    "train", corpus, "--valid", valid.path, "--epochs", "2", "--patience", "0", "--model",
                    model.path,
                ]
                    + TestModelFiles.tinyNetwork)
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardError.hasPrefix("train: 400 training and 3 validation documents"))
            #expect(epochLines(result.standardError).allSatisfy { $0.contains("valid accuracy") })
            let record = try #require(try SentimentModel(contentsOf: model).trainingRecord)
            #expect(record.validationFiles == [valid.path])
        }
    }

    @Test func initStartsFromTheGivenModelAndIsRecorded() throws {
        let base = try TestModelFiles.trained.get()
        let original = try SentimentModel(contentsOf: base)
        try withTemporaryDirectory { directory in
            // Words the base vocabulary has never seen, and options --init must ignore.
            let more = directory.appendingPathComponent("more.tsv")
            try Data(
                "1\tzyzzyva splendiferous\n0\tquixotic blunderbuss\n1\tsplendiferous\n0\tblunderbuss\n".utf8
            )
            .write(to: more)
            let tuned = directory.appendingPathComponent("tuned.safetensors")
            let result = try SentimentBinary.run([
                "train", more.path, "--init", base.path, "--model", tuned.path, "--epochs", "2",
                "--valid-split", "0",
                "--hidden", "16", "--embedding-dim", "4", "--keep-case", "--dropout", "0.1",
            ])
            // The shape and tokenizer options are accepted alongside --init (the library ignores them).
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardError.hasPrefix("train: 4 training and 0 validation documents"))
            #expect(!result.standardError.contains("skip-gram"), "--init keeps the model's embedding")
            let model = try SentimentModel(contentsOf: tuned)
            // The model file given is the one started from, and its path is recorded.
            #expect(model.vocabulary == original.vocabulary)
            #expect(model.trainingRecord?.initializedFrom == base.path)
            // --dropout is passed on.
            #expect(model.classifier.configuration.dropout == 0.1)
        }
    }

    @Test func badLabelStopsTheRunNamingFileAndLine() throws {
        try withTemporaryDirectory { directory in
            let data = directory.appendingPathComponent("bad.tsv")
            try Data("label\ttext\n1\tgood film\nmaybe\tso-so\n0\tbad film\n".utf8).write(to: data)
            let model = directory.appendingPathComponent("m.safetensors")
            let result = try SentimentBinary.run(
                ["train", data.path, "--model", model.path] + TestModelFiles.tinyNetwork)
            #expect(result.status != 0)
            #expect(result.standardOutput == "")
            #expect(
                result.standardError.contains(
                    "\(data.path):3: label \"maybe\" is not one of "
                        + "0/1, neg/pos, negative/positive, false/true"),
                "\(result.standardError)")
            #expect(try directoryContents(directory) == ["bad.tsv"])
        }
    }

    @Test func skipBadLinesReportsTheCountAndTrains() throws {
        try withTemporaryDirectory { directory in
            let data = directory.appendingPathComponent("bad.tsv")
            try Data("label\ttext\n1\tgood film\nmaybe\tso-so\n0\tbad film\n1\tgreat\n2\tworse\n".utf8).write(
                to: data)
            let model = directory.appendingPathComponent("m.safetensors")
            let result = try SentimentBinary.run(
                [
                    "train", data.path, "--model", model.path, "--skip-bad-lines", "--epochs", "1",
                    "--valid-split", "0",
                ]
                    + TestModelFiles.tinyNetwork)
            #expect(result.status == 0, "\(result.standardError)")
            #expect(
                result.standardError.contains("\(data.path): skipped 2 bad lines"), "\(result.standardError)")
            #expect(result.standardError.contains("\(data.path):3: label \"maybe\""))
            #expect(result.standardError.contains("\(data.path):6: label \"2\""))
            #expect(result.standardError.contains("train: 3 training and 0 validation documents"))
            #expect(try SentimentModel(contentsOf: model).trainingRecord?.trainingExamples == 3)
        }
    }

    @Test func missingFilesAreNamed() throws {
        try withTemporaryDirectory { directory in
            let missing = directory.appendingPathComponent("nothere.tsv").path
            let result = try SentimentBinary.run(["train", missing], in: directory)
            #expect(result.status != 0)
            #expect(result.standardError == "Error: \(missing): cannot open: No such file or directory\n")
            let missingValid = try SentimentBinary.run(
                ["train", corpus, "--valid", missing] + TestModelFiles.tinyNetwork, in: directory)
            #expect(missingValid.status != 0)
            #expect(missingValid.standardError.contains("\(missing): cannot open"))
            let missingInit = try SentimentBinary.run(
                ["train", corpus, "--init", directory.appendingPathComponent("none.safetensors").path],
                in: directory)
            #expect(missingInit.status != 0)
            #expect(missingInit.standardError.contains("none.safetensors: no such model file"))
            #expect(try directoryContents(directory).isEmpty)
        }
    }

    @Test func filesWithoutDocumentsAreADataErrorNamingThem() throws {
        try withTemporaryDirectory { directory in
            let headerOnly = directory.appendingPathComponent("header.tsv")
            try Data("label\ttext\n".utf8).write(to: headerOnly)
            let empty = directory.appendingPathComponent("empty.tsv")
            try Data().write(to: empty)
            let result = try SentimentBinary.run(["train", headerOnly.path, empty.path], in: directory)
            #expect(result.status == 1, "a data problem, not a usage error (64)")
            #expect(
                result.standardError == "Error: \(headerOnly.path), \(empty.path): no documents to train on\n"
            )
            #expect(try directoryContents(directory) == ["empty.tsv", "header.tsv"])
        }
    }

    @Test func aValidationFileWithoutDocumentsIsAnErrorNamingIt() throws {
        try withTemporaryDirectory { directory in
            let empty = directory.appendingPathComponent("valid.tsv")
            try Data("label\ttext\n".utf8).write(to: empty)
            let result = try SentimentBinary.run(
                ["train", TestModelFiles.englishCorpus.path, "--valid", empty.path, "--epochs", "1"],
                in: directory)
            #expect(result.status == 1)
            #expect(result.standardError == "Error: \(empty.path): no documents to validate on\n")
            #expect(try directoryContents(directory) == ["valid.tsv"])
        }
    }

    @Test func aModelDestinationThatCannotBeWrittenStopsTheRunBeforeAnyTraining() throws {
        let result = try SentimentBinary.run(["train", corpus, "--model", "/nonexistent/dir/m.safetensors"])
        #expect(result.status != 0)
        #expect(
            result.standardError.contains("/nonexistent/dir/m.safetensors: cannot write the model"),
            "\(result.standardError)")
        #expect(!result.standardError.contains("skip-gram") && epochLines(result.standardError).isEmpty)
    }

    @Test func theLibraryCallWithTheSameSeedReproducesTheCommandsModel() throws {
        try withTemporaryDirectory { directory in
            let model = directory.appendingPathComponent("cli.safetensors")
            let result = try SentimentBinary.run(
                ["train", corpus, "--model", model.path, "--epochs", "2", "--seed", "3", "--threads", "1"]
                    + TestModelFiles.tinyNetwork)
            #expect(result.status == 0, "\(result.standardError)")
            var options = ModelTrainingOptions()
            options.embeddingDim = 8
            options.hidden = 8
            options.training.epochs = 2
            options.training.seed = 3
            options.threads = 1
            let library = try ModelTraining.train(
                training: try CorpusReader.labelledDocuments([corpus]), options: options)
            let command = try SentimentModel(contentsOf: model)
            #expect(command.vocabulary == library.model.vocabulary)
            let bits = { (model: SentimentModel) in
                model.classifier.namedParameters().map { ($0.name, $0.tensor.values.map(\.bitPattern)) }
            }
            #expect(bits(command).map(\.0) == bits(library.model).map(\.0))
            #expect(bits(command).map(\.1) == bits(library.model).map(\.1), "the parameters differ")
            #expect(command.trainingRecord?.bestEpoch == library.bestEpoch)
            #expect(command.trainingRecord?.validationAccuracy == library.bestValidation?.accuracy)
        }
    }

    @Test func unlabelledTextIsRefusedNamingTheFileAndLine() throws {
        try withTemporaryDirectory { directory in
            let sentences = directory.appendingPathComponent("sentences.txt")
            try Data("\ngreat film\nawful acting\n".utf8).write(to: sentences)
            let semicolons = directory.appendingPathComponent("reviews.txt")
            // Semicolons, but no label at either end: not a semicolon CSV the sniffer can take.
            try Data("great;film\nawful;plot\n".utf8).write(to: semicolons)
            // `eval` needs a model to get as far as its input; `train` must not write one.
            let evalModel = FileManager.default.temporaryDirectory.appendingPathComponent(
                "sentiment-eval-\(UUID().uuidString).safetensors")
            try TestModelFiles.writeConstantModel(logit: 1, to: evalModel)
            defer { try? FileManager.default.removeItem(at: evalModel) }
            for (file, extra) in [
                (sentences, "sentence"), (semicolons, "semicolons, pass --delimiter ';'"),
            ] {
                for command in ["train", "eval"] {
                    let model =
                        command == "eval"
                        ? evalModel.path : directory.appendingPathComponent("m.safetensors").path
                    let result = try SentimentBinary.run(
                        [command, file.path, "--model", model], in: directory)
                    #expect(result.status == 1, "\(result.standardError)")
                    let line = file == sentences ? 2 : 1
                    #expect(
                        result.standardError.hasPrefix("Error: \(file.path):\(line): no label: "),
                        "\(result.standardError)")
                    #expect(result.standardError.contains(extra))
                    #expect(result.standardError.contains("--delimiter ';'") == (file == semicolons))
                }
            }
            #expect(try directoryContents(directory) == ["reviews.txt", "sentences.txt"])
        }
    }

    @Test func aSetOfOneClassStopsTheRunNamingItsFiles() throws {
        try withTemporaryDirectory { directory in
            let positive = directory.appendingPathComponent("pos.tsv")
            try Data("1\tgood\n1\tfine\n".utf8).write(to: positive)
            let model = directory.appendingPathComponent("m.safetensors").path
            let training = try SentimentBinary.run(["train", positive.path, "--model", model])
            #expect(training.status == 1)
            #expect(
                training.standardError
                    == "Error: \(positive.path): every document is labelled positive (2 documents); training "
                    + "needs documents of both classes\n")
            let validation = try SentimentBinary.run([
                "train", corpus, "--valid", positive.path, "--model", model,
            ])
            #expect(validation.status == 1)
            #expect(
                validation.standardError.hasPrefix(
                    "Error: \(positive.path): every document is labelled positive"))
            #expect(validation.standardError.contains("validation needs documents of both classes"))
            #expect(try directoryContents(directory) == ["pos.tsv"])
        }
    }

    @Test func aSecondRunWritingTheSameModelIsRefusedWhileTheFirstHoldsIt() throws {
        try withTemporaryDirectory { directory in
            let model = directory.appendingPathComponent("m.safetensors")
            // This test process stands for the first run: it holds the model's lock.
            let first = try ModelDestination(model)
            let second = try SentimentBinary.run(
                ["train", corpus, "--model", model.path] + TestModelFiles.tinyNetwork)
            #expect(second.status == 1)
            #expect(
                second.standardError
                    == "Error: \(model.path): another training run is writing this model (it holds "
                    + "\(model.path).lock); wait for it to finish or write the model elsewhere\n")
            first.release()
            #expect(try directoryContents(directory) == [])
            let third = try SentimentBinary.run(
                ["train", corpus, "--model", model.path, "--epochs", "1", "--pretrain-epochs", "0"]
                    + TestModelFiles.tinyNetwork)
            #expect(third.status == 0, "\(third.standardError)")
            #expect(try directoryContents(directory) == ["m.safetensors"])
        }
    }

    @Test(arguments: [
        (["--epochs", "0"], "--epochs must be at least 1"),
        (["--dropout", "1"], "--dropout must be in [0, 1)"),
        (["--dropout=-0.1"], "--dropout must be in [0, 1)"),
        (["--valid-split", "1"], "--valid-split must be in [0, 1)"),
        (["--lr", "0"], "--lr must be a positive number"),
        (["--batch", "0"], "--batch must be at least 1"),
        (["--hidden", "0"], "--hidden must be at least 1"),
        (["--clip=-1"], "--clip must be 0 or a positive number"),
        (["--patience=-1"], "--patience must be at least 0"),
        (["--pretrain-epochs=-1"], "--pretrain-epochs must be at least 0"),
        (["--embedding-lr-scale=-0.5"], "--embedding-lr-scale must be 0 or a positive number"),
        (["--max-vocab", "2"], "--max-vocab must be at least 3"),
        (["--max-len", "50", "--head-len", "51"], "--head-len must lie between 0 and --max-len (50)"),
        (["--embedding-init-std", "0"], "--embedding-init-std must be a positive number"),
        (["--lr-decay", "1.5"], "--lr-decay must be in (0, 1]"),
        (["--optimizer", "rmsprop"], "--optimizer"),
        // A negative number after a numeric option is its value, not another option.
        (["--epochs", "-1"], "--epochs must be at least 1"),
        (["--lr", "-1"], "--lr must be a positive number"),
        (["--threads", "-3"], "--threads must be at least 1"),
        (["--clip", "-1"], "--clip must be 0 or a positive number"),
        (["--ngram-buckets", "-2"], "--ngram-buckets must be 0 or lie between 2 and"),
        (["--wide-lr-scale", "-1"], "--wide-lr-scale must be 0 or a positive number"),
        (["--branch-loss", "-1"], "--branch-loss must be 0 or a positive number"),
        (["--adversarial", "-0.1"], "--adversarial must be 0 or a positive number"),
        (["--pooling", "max"], "--pooling"),
        // Rules the library holds, named by their flags.
        (["--ema", "1"], "--ema must be in [0, 1)"),
        (["--word-dropout", "1"], "--word-dropout must be in [0, 1)"),
        (["--embedding-dim", "0"], "--embedding-dim must be at least 1"),
        (["--unlabelled", "more.txt", "--init", "base.safetensors"],
         "--unlabelled builds a new vocabulary, which --init keeps"),
        (["--unlabelled", "more.txt", "--pretrain-epochs", "0"], "--pretrain-epochs 0 turns off"),
    ])
    func invalidOptionsAreUsageErrors(options: [String], message: String) throws {
        try withTemporaryDirectory { directory in
            let result = try SentimentBinary.run(["train", corpus] + options, in: directory)
            #expect(result.status == 64, "\(result.standardError)")  // EX_USAGE
            #expect(result.standardError.contains(message), "\(result.standardError)")
            #expect(result.standardError.contains("Usage: sentiment train"))
            #expect(try directoryContents(directory).isEmpty)
        }
    }

    /// A rule only the data can test, the vectors' dimension, is named by its flag too.
    @Test func anEmbeddingNarrowerThanTheVectorsIsAnErrorNamingTheFlag() throws {
        try withTemporaryDirectory { directory in
            let vectors = directory.appendingPathComponent("vectors.txt")
            try "good 1 2 3\nbad -1 -2 -3\n".write(to: vectors, atomically: true, encoding: .utf8)
            let model = directory.appendingPathComponent("m.safetensors").path
            let result = try SentimentBinary.run(
                ["train", corpus, "--vectors", vectors.path, "--embedding-dim", "2", "--model", model],
                in: directory)
            #expect(result.status == 1, "\(result.standardError)")
            #expect(
                result.standardError.contains(
                    "--embedding-dim (2) must be at least the dimension of the vectors (3)"),
                "\(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: model))
        }
    }
}
