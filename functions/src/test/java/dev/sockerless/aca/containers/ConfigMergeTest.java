package dev.sockerless.aca.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Docker's merge rules (moby {@code daemon/commit.go} {@code merge}), one row each: user config | image config | expected members. */
class ConfigMergeTest {

    static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        neither sets a command              | {}                                  | {}                                            | {"Entrypoint":null,"Cmd":null}
        image entrypoint and cmd            | {}                                  | {"Entrypoint":["/e"],"Cmd":["c"]}             | {"Entrypoint":["/e"],"Cmd":["c"]}
        user cmd replaces only the image cmd| {"Cmd":["u"]}                       | {"Entrypoint":["/e"],"Cmd":["c"]}             | {"Entrypoint":["/e"],"Cmd":["u"]}
        user entrypoint drops the image cmd | {"Entrypoint":["/u"]}               | {"Entrypoint":["/e"],"Cmd":["c"]}             | {"Entrypoint":["/u"],"Cmd":null}
        user entrypoint and cmd             | {"Entrypoint":["/u"],"Cmd":["x"]}   | {"Entrypoint":["/e"],"Cmd":["c"]}             | {"Entrypoint":["/u"],"Cmd":["x"]}
        empty-string entrypoint resets      | {"Entrypoint":[""],"Cmd":["x"]}     | {"Entrypoint":["/e"],"Cmd":["c"]}             | {"Entrypoint":null,"Cmd":["x"]}
        empty-string entrypoint alone       | {"Entrypoint":[""]}                 | {"Entrypoint":["/e"],"Cmd":["c"]}             | {"Entrypoint":null,"Cmd":null}
        empty entrypoint list keeps image cmd| {"Entrypoint":[]}                  | {"Entrypoint":["/e"],"Cmd":["c"]}             | {"Entrypoint":[],"Cmd":["c"]}
        string forms become lists           | {"Entrypoint":"/u","Cmd":"x"}       | {}                                            | {"Entrypoint":["/u"],"Cmd":["x"]}
        env by key, user wins, user first   | {"Env":["A=user","C=3"]}            | {"Env":["A=image","B=2"]}                     | {"Env":["A=user","C=3","B=2"]}
        env from the image when none        | {}                                  | {"Env":["PATH=/bin"]}                         | {"Env":["PATH=/bin"]}
        env key without value counts        | {"Env":["A"]}                       | {"Env":["A=image"]}                           | {"Env":["A"]}
        labels fill missing keys            | {"Labels":{"a":"user"}}             | {"Labels":{"a":"image","b":"image"}}          | {"Labels":{"a":"user","b":"image"}}
        labels never null                   | {}                                  | {}                                            | {"Labels":{}}
        user from the image when empty      | {"User":""}                         | {"User":"nobody","WorkingDir":"/w"}           | {"User":"nobody","WorkingDir":"/w"}
        user values win                     | {"User":"root","WorkingDir":"/u","StopSignal":"SIGINT"} | {"User":"nobody","WorkingDir":"/w","StopSignal":"SIGQUIT"} | {"User":"root","WorkingDir":"/u","StopSignal":"SIGINT"}
        stop signal from the image          | {}                                  | {"StopSignal":"SIGQUIT"}                      | {"StopSignal":"SIGQUIT"}
        exposed ports union                 | {"ExposedPorts":{"80/tcp":{}}}      | {"ExposedPorts":{"443/tcp":{},"80/tcp":{}}}   | {"ExposedPorts":{"80/tcp":{},"443/tcp":{}}}
        volumes union                       | {"Volumes":{"/a":{}}}               | {"Volumes":{"/b":{}}}                         | {"Volumes":{"/a":{},"/b":{}}}
        healthcheck from the image          | {}                                  | {"Healthcheck":{"Test":["CMD","true"],"Interval":5}} | {"Healthcheck":{"Test":["CMD","true"],"Interval":5}}
        healthcheck field by field          | {"Healthcheck":{"Interval":9,"Retries":0}} | {"Healthcheck":{"Test":["CMD","true"],"Interval":5,"Retries":3}} | {"Healthcheck":{"Test":["CMD","true"],"Interval":9,"Retries":3}}
        onbuild and shell are not merged    | {}                                  | {"OnBuild":["RUN x"],"Shell":["/bin/bash","-c"]} | {"OnBuild":null,"Shell":null}
        """)
    void merge(String rule, String user, String image, String expected) throws Exception {
        JsonNode merged = ConfigMerge.merge(MAPPER.readTree(user), MAPPER.readTree(image));
        MAPPER.readTree(expected)
                .fields()
                .forEachRemaining(
                        e -> assertThat(merged.get(e.getKey()) == null ? MAPPER.nullNode() : merged.get(e.getKey()))
                                .as(rule + ": " + e.getKey())
                                .isEqualTo(e.getValue()));
    }
}
