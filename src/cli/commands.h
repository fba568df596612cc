/*
 * commands.h — the subcommands of jmd: declarations and the table entries
 * main.c builds jmd_cli_cmds from (in the order of jmd --help).
 */
#ifndef JMD_CLI_COMMANDS_H
#define JMD_CLI_COMMANDS_H

#include <stdio.h>

int jmd_cmd_run(int argc, char **argv);
void jmd_cmd_run_help(FILE *out);
int jmd_cmd_trajectory(int argc, char **argv);
void jmd_cmd_trajectory_help(FILE *out);
int jmd_cmd_reach(int argc, char **argv);
void jmd_cmd_reach_help(FILE *out);
int jmd_cmd_track(int argc, char **argv);
void jmd_cmd_track_help(FILE *out);
int jmd_cmd_assure(int argc, char **argv);
void jmd_cmd_assure_help(FILE *out);
int jmd_cmd_keygen(int argc, char **argv);
void jmd_cmd_keygen_help(FILE *out);
int jmd_cmd_geodesic(int argc, char **argv);
void jmd_cmd_geodesic_help(FILE *out);
int jmd_cmd_catalogue(int argc, char **argv);
void jmd_cmd_catalogue_help(FILE *out);
int jmd_cmd_verify(int argc, char **argv);
void jmd_cmd_verify_help(FILE *out);
int jmd_cmd_world(int argc, char **argv);
void jmd_cmd_world_help(FILE *out);
int jmd_cmd_node(int argc, char **argv);
void jmd_cmd_node_help(FILE *out);
int jmd_cmd_federate(int argc, char **argv);
void jmd_cmd_federate_help(FILE *out);

#define JMD_CLI_COMMANDS                                                                       \
    {"run", "simulate a scenario: detection, tracking, engagement, intercept or impact",       \
     jmd_cmd_run, jmd_cmd_run_help},                                                           \
    {"trajectory", "ballistic trajectory between two points (closed form or a vehicle)",      \
     jmd_cmd_trajectory, jmd_cmd_trajectory_help},                                             \
    {"reach", "intercept window of an interceptor site against a threat",                     \
     jmd_cmd_reach, jmd_cmd_reach_help},                                                       \
    {"track", "track ballistic targets from a radar's measurement CSV (EKF, GNN, M-of-N)",    \
     jmd_cmd_track, jmd_cmd_track_help},                                                       \
    {"assure", "transparency analysis: can the defenses reach a party's strategic deterrent", \
     jmd_cmd_assure, jmd_cmd_assure_help},                                                    \
    {"geodesic", "distance and azimuths between two points on the WGS-84 ellipsoid",          \
     jmd_cmd_geodesic, jmd_cmd_geodesic_help},                                                 \
    {"catalogue", "list the threat and interceptor classes and their figures",                \
     jmd_cmd_catalogue, jmd_cmd_catalogue_help},                                               \
    {"federate", "a whole federation on this machine: keys, one node per party, the world",  \
     jmd_cmd_federate, jmd_cmd_federate_help},                                                \
    {"world", "the simulated world of a federated run (truth, sensors, intercepts)",          \
     jmd_cmd_world, jmd_cmd_world_help},                                                      \
    {"node", "one party's national node of a federated run, over Cyclone DDS",               \
     jmd_cmd_node, jmd_cmd_node_help},                                                        \
    {"keygen", "make a party's Ed25519 key pair and write its key file (mode 0600)",          \
     jmd_cmd_keygen, jmd_cmd_keygen_help},                                                    \
    {"verify", "check a party's log (hashes, checkpoints, signatures); --peer cross-checks",  \
     jmd_cmd_verify, jmd_cmd_verify_help},

#endif
