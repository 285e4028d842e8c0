package io.contextlab.lab.env;

import java.util.Arrays;
import java.util.List;

/**
 * What /proc/cpuinfo says of the first CPU: its model, vendor, family/model/stepping, microcode
 * revision and flags (the "hypervisor" flag marks a guest). Fields the kernel does not show here
 * (other architectures, some guests) are null.
 */
record Cpu(String model, String vendor, String familyModel, String microcode, List<String> flags) {

    static Cpu parse(String cpuinfo) {
        String model = null, vendor = null, family = null, number = null, stepping = null, microcode = null;
        List<String> flags = List.of();
        for (String line : cpuinfo.split("\n")) {
            if (line.isBlank()) {
                if (model != null) break;  // the first processor's block is enough
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "model name" -> model = value;
                case "vendor_id" -> vendor = value;
                case "cpu family" -> family = value;
                case "model" -> number = value;
                case "stepping" -> stepping = value;
                case "microcode" -> microcode = value;
                case "flags" -> flags = Arrays.asList(value.split("\\s+"));
                default -> { }
            }
        }
        String familyModel = family == null || number == null ? null
                : family + "/" + number + "/" + (stepping == null ? "?" : stepping);
        return new Cpu(model, vendor, familyModel, microcode, flags);
    }
}
