package io.contextlab.lab;

import io.contextlab.lab.env.Environment;
import io.contextlab.platform.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `lab doctor [--json]`: the measurement environment, a warning beside each fact that distorts results. */
@Command(name = "doctor", description = "the measurement environment, with a warning where it distorts results")
final class DoctorCommand implements Callable<Integer> {
    @Option(names = "--json", description = "the facts as JSON, with their warnings under \"warnings\"")
    boolean json;

    @Override
    public Integer call() {
        Environment env = Environment.collect(Lab.java());
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>(env.facts());
            out.put("warnings", env.warnings());
            System.out.println(Json.GSON.newBuilder().setPrettyPrinting().create().toJson(out));
        } else {
            env.print(System.out);
        }
        return 0;
    }
}
