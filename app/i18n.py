"""Every string of the app in English and French: key -> (en, fr).

``text(key, lang, **values)`` formats one; a test checks that both languages
have every key and the same placeholders.
"""
from __future__ import annotations

LANGUAGES = ("en", "fr")

TEXTS: dict[str, tuple[str, str]] = {
    # ---------------------------------------------------------------- shell
    "language": ("Language", "Langue"),
    "language_help": ("Switch every text of the lab between English and French.",
                      "Affiche tous les textes du lab en anglais ou en français."),
    "page_lab": ("Lab", "Lab"),
    "page_data": ("Data", "Données"),
    "page_architectures": ("Architectures", "Architectures"),
    "page_runs": ("Runs", "Entraînements"),
    "page_design": ("Design to a specification", "Pièce sur cahier des charges"),
    "page_class": ("Class", "Classe"),
    "teacher_refused": ("This teacher link is not valid: the class view stays closed.",
                        "Ce lien enseignant n'est pas valide : la vue de la classe reste fermée."),
    "replica_lost": ("The server that ran your live training stopped, and your run was lost with it. You are now "
                     "on another server: press Play to train again. The runs you saved are safe: they are on the "
                     "Runs page.",
                     "Le serveur qui faisait tourner votre entraînement s'est arrêté, et l'entraînement en cours "
                     "est perdu avec lui. Vous êtes maintenant sur un autre serveur : appuyez sur Lecture pour "
                     "reprendre. Les entraînements que vous avez enregistrés sont intacts : ils sont sur la page "
                     "Entraînements."),
    "replica_lost_ok": ("Got it", "Compris"),
    # ---------------------------------------------------------------- class view (teacher)
    "class_title": ("The class, live", "La classe en direct"),
    "class_intro": ("Every run open in a student's Lab, on every server of the class, refreshed every few "
                    "seconds and grouped by what the Lab diagnoses. A run is anonymous until it is saved under "
                    "a name; its settings are those that differ from the class's. Curves: D's loss in green, "
                    "G's in purple.",
                    "Chaque entraînement ouvert dans le Lab d'un élève, sur chaque serveur de la classe, mis à "
                    "jour toutes les quelques secondes et groupé selon le diagnostic du Lab. Un entraînement "
                    "reste anonyme tant qu'il n'est pas enregistré sous un nom ; ses réglages sont ceux qui "
                    "diffèrent de ceux de la classe. Courbes : perte de D en vert, de G en violet."),
    "class_count": ("{runs} live runs on {servers} servers", "{runs} entraînements en cours sur {servers} serveurs"),
    "class_empty": ("No student has a run open yet.", "Aucun élève n'a encore d'entraînement ouvert."),
    "class_student": ("Student {tag}", "Élève {tag}"),
    "class_run_b": ("{label}, run B", "{label}, run B"),
    "class_iteration": ("iteration {iteration}", "itération {iteration}"),
    "class_defaults": ("class settings", "réglages de la classe"),
    "class_group_diverged": ("Diverged", "Divergé"),
    "class_group_exploding": ("Losses explode", "Pertes qui explosent"),
    "class_group_d_wins": ("D wins", "D gagne"),
    "class_group_g_wins": ("G fools D", "G trompe D"),
    "class_group_collapse": ("Collapsed", "Effondrés"),
    "class_group_oscillating": ("Oscillating", "Oscillent"),
    "class_group_barely_learning": ("Barely learning", "Apprennent à peine"),
    "class_group_slow": ("Very slow steps", "Pas très lents"),
    "class_group_error": ("Failed", "En échec"),
    "class_group_learning": ("Learning", "Apprennent"),
    "class_group_starting": ("Not started", "Pas encore lancés"),
    "page_error": ("Something went wrong on this page: {error}. Reload the page; if it persists, tell your teacher.",
                   "Un problème est survenu sur cette page : {error}. Rechargez la page ; si cela persiste, "
                   "prévenez votre enseignant."),
    "timeout": ("no answer in time", "pas de réponse à temps"),
    # ---------------------------------------------------------------- lab: controls
    "lab_title": ("GAN lab: mechanical designs", "Lab GAN : pièces mécaniques"),
    "lab_intro": ("A generator G learns to draw 50×50 cantilever designs; a discriminator D learns to tell them "
                  "from real topology-optimized designs. Press Play and watch both learn.",
                  "Un générateur G apprend à dessiner des consoles 50×50 ; un discriminateur D apprend à les "
                  "distinguer de vraies pièces issues de l'optimisation topologique. Appuyez sur Lecture et "
                  "regardez-les apprendre."),
    "hyperparameters": ("Hyperparameters", "Hyperparamètres"),
    "live_hint": ("Training settings apply at the next step; settings marked ⟳ need a Reset.",
                  "Les réglages d'entraînement s'appliquent au pas suivant ; ceux marqués ⟳ demandent une "
                  "réinitialisation."),
    "group_model": ("Model and data", "Modèle et données"),
    "group_training": ("Training (live)", "Entraînement (en direct)"),
    "ctl_preset": ("Preset", "Préréglage"),
    "help_preset": ("A ready-made experiment: sets several controls at once (and the connect penalty to 0, so "
                    "only the GAN's own game is at play) and restarts the run, as its description starts from "
                    "an untrained GAN. Shows \"Custom settings\" once a control differs from every preset.",
                    "Une expérience toute prête : règle plusieurs paramètres d'un coup (et la pénalité de "
                    "connexion à 0, pour ne voir que le jeu du GAN) et relance l'entraînement, car sa description part "
                    "d'un GAN non entraîné. Affiche « Réglages personnalisés » dès qu'un réglage diffère de "
                    "tous les préréglages."),
    "ctl_architecture": ("Architecture", "Architecture"),
    "help_architecture": ("Tutorial DCGAN: the TensorFlow tutorial's network on 28×28, resized to 50×50. "
                          "nf DCGAN: convolutions straight at 50×50, width set by nf.",
                          "DCGAN du tutoriel : le réseau du tutoriel TensorFlow en 28×28, redimensionné en 50×50. "
                          "DCGAN nf : convolutions directement en 50×50, largeur réglée par nf."),
    "ctl_nf": ("nf (network width)", "nf (largeur du réseau)"),
    "help_nf": ("Number of filters of the first layer; the others are multiples. Bigger learns more but is slower.",
                "Nombre de filtres de la première couche ; les autres en sont des multiples. Plus grand apprend "
                "plus mais va plus lentement."),
    "help_nf_tutorial": ("The tutorial's DCGAN has fixed widths (256, 128, 64 filters): nf only sets the nf DCGAN.",
                         "Le DCGAN du tutoriel a des largeurs fixes (256, 128, 64 filtres) : nf ne règle que le "
                         "DCGAN nf."),
    "compare": ("Compare A / B", "Comparer A / B"),
    "help_compare": ("Train two runs side by side from the same seed and noise: B starts as a copy of A; change "
                     "what you want to compare in B (e.g. both learning rates large in A, both small in B). "
                     "Play, Step and Reset act on both; they train in step, never more than one iteration apart.",
                     "Entraîne deux modèles côte à côte, avec la même graine et le même bruit : B part d'une "
                     "copie de A ; changez dans B ce que vous voulez comparer (par ex. deux taux grands dans A, "
                     "deux petits dans B). Lecture, Pas et Réinitialiser agissent sur les deux, qui avancent au "
                     "même pas (jamais plus d'une itération d'écart)."),
    "edited_run": ("Settings of run", "Réglages de l'entraînement"),
    "help_edited_run": ("The sidebar shows and changes the settings of this run.",
                        "La barre latérale montre et modifie les réglages de cet entraînement."),
    "same_settings": ("same settings", "mêmes réglages"),
    "compare_loss_d": ("D loss, A and B", "Perte de D, A et B"),
    "compare_loss_g": ("G loss, A and B", "Perte de G, A et B"),
    "load_pretrained": ("Start from a trained run", "Partir d'un modèle entraîné"),
    "help_load_pretrained": ("Loads a run trained for 2,400 iterations, the default settings then the learning rates "
                             "lowered to 0.0001 for the last 1,200: see what a good generator draws, then train on "
                             "from there (its settings fill the controls).",
                             "Charge un entraînement de 2 400 itérations, les réglages par défaut puis les taux "
                             "d'apprentissage baissés à 0,0001 pour les 1 200 dernières : voyez ce que dessine un bon "
                             "générateur, puis continuez à l'entraîner (ses réglages remplissent les contrôles)."),
    "connect_sum_range": ("specks cut off from clamp and load in",
                          "îlots détachés de l'encastrement et de la charge dans"),
    "share": ("Share these settings", "Partager ces réglages"),
    "share_student": ("Your settings as a link: whoever opens it starts from them.",
                      "Vos réglages sous forme de lien : qui l'ouvre part de ces réglages."),
    "share_teacher": ("Class link (teacher): students who open it see only the controls chosen here, "
                      "starting from these settings.",
                      "Lien de classe (enseignant) : les étudiants qui l'ouvrent ne voient que les réglages "
                      "choisis ici, avec ces valeurs de départ."),
    "share_show": ("Controls the students see", "Réglages visibles par les étudiants"),
    "share_show_all": ("all of them", "tous"),
    "share_notebook": ("The same run in a notebook, with the lab's functions:",
                       "Le même entraînement dans un notebook, avec les fonctions du TP :"),
    "link_wrong": ("The link's value of {fields} is not allowed here; the default is used.",
                   "La valeur de {fields} donnée par le lien n'est pas permise ici ; la valeur par défaut "
                   "est utilisée."),
    "ctl_latent_dim": ("Latent size", "Taille latente"),
    "help_latent_dim": ("Length of the noise vector z that G turns into a design.",
                        "Longueur du vecteur de bruit z que G transforme en pièce."),
    "ctl_lr_g": ("Learning rate of G", "Taux d'apprentissage de G"),
    "help_lr_g": ("Step size of the generator's optimizer (log scale). Too high: unstable; too low: slow.",
                  "Taille des pas de l'optimiseur du générateur (échelle log). Trop grand : instable ; "
                  "trop petit : lent."),
    "ctl_lr_d": ("Learning rate of D", "Taux d'apprentissage de D"),
    "help_lr_d": ("Step size of the discriminator's optimizer (log scale).",
                  "Taille des pas de l'optimiseur du discriminateur (échelle log)."),
    "ctl_optimizer_g": ("Optimizer of G", "Optimiseur de G"),
    "help_optimizer_g": ("How G's weights move along the gradient: Adam adapts per weight, SGD does not.",
                         "Comment les poids de G suivent le gradient : Adam s'adapte à chaque poids, SGD non."),
    "ctl_optimizer_d": ("Optimizer of D", "Optimiseur de D"),
    "help_optimizer_d": ("How D's weights move along the gradient.", "Comment les poids de D suivent le gradient."),
    "ctl_loss": ("Loss", "Fonction de perte"),
    "help_loss": ("The game G and D play; the Architectures page shows each formula.",
                  "Le jeu que jouent G et D ; la page Architectures montre chaque formule."),
    "ctl_k_d": ("D updates per step (k_d)", "Mises à jour de D par pas (k_d)"),
    "help_k_d": ("How many times D learns in one iteration.", "Combien de fois D apprend pendant une itération."),
    "ctl_k_g": ("G updates per step (k_g)", "Mises à jour de G par pas (k_g)"),
    "help_k_g": ("How many times G learns in one iteration.", "Combien de fois G apprend pendant une itération."),
    "ctl_connect_weight": ("Connect penalty (κ)", "Pénalité de connexion (κ)"),
    "help_connect_weight": ("How much G pays for small bits of material cut off from the piece that joins the "
                            "clamped edge to the load: floating specks, and stubs that miss the load (they carry "
                            "nothing). 0: the plain GAN loss (the term is not computed), and stray specks appear.",
                            "Ce que paie G pour les petits morceaux de matière détachés de la pièce qui relie le "
                            "bord encastré à la charge : îlots flottants, et moignons qui manquent la charge (ils "
                            "ne portent rien). 0 : la perte GAN seule (le terme n'est pas calculé), et des îlots "
                            "parasites apparaissent."),
    "ctl_conditional": ("Conditional: designs to a load case", "Conditionnel : pièces pour un cas de charge"),
    "help_conditional": ("G(z, c) and D(x, c) read the load case c (load row, angle, volume): G learns to draw "
                         "the cantilever a given load asks for. Trains on 90 % of the shipped designs; the "
                         "samples show four fixed cases, the Quality view the physics against SIMP.",
                         "G(z, c) et D(x, c) lisent le cas de charge c (ligne de la charge, angle, volume) : G "
                         "apprend à dessiner la console que demande une charge donnée. Entraîné sur 90 % des "
                         "pièces fournies ; les échantillons montrent quatre cas fixes, la vue Qualité la "
                         "physique face à SIMP."),
    "help_conditional_own_data": ("Your own designs carry no load case: the conditional GAN trains on the "
                                  "shipped designs only (Data page: back to the shipped designs).",
                                  "Vos pièces ne portent pas de cas de charge : le GAN conditionnel ne "
                                  "s'entraîne que sur les pièces fournies (page Données : revenir aux pièces "
                                  "fournies)."),
    "ctl_recon_weight": ("Pull to the SIMP design (λ)", "Attraction vers la pièce SIMP (λ)"),
    "help_recon_weight": ("Conditional GAN: how much G also pays for each pixel that differs from the real "
                          "design of the same case (L1, as TopologyGAN does). 0: the GAN loss alone. The G loss "
                          "on the chart is its GAN loss, without this pull.",
                          "GAN conditionnel : ce que paie aussi G pour chaque pixel qui diffère de la vraie "
                          "pièce du même cas (L1, comme TopologyGAN). 0 : la perte GAN seule. La perte de G du "
                          "graphique est sa perte GAN, sans cette attraction."),
    "help_recon_weight_off": ("Only the conditional GAN has a real design of the same case to be pulled to.",
                              "Seul le GAN conditionnel a une vraie pièce du même cas vers laquelle tirer."),
    "ctl_batch_size": ("Batch size", "Taille de lot"),
    "help_batch_size": ("Designs per update: bigger is smoother but slower.",
                        "Pièces par mise à jour : plus grand est plus régulier mais plus lent."),
    "ctl_seed": ("Seed", "Graine"),
    "help_seed": ("Fixes the random start: the same seed and settings give the same run.",
                  "Fixe le départ aléatoire : même graine et mêmes réglages donnent le même entraînement."),
    "choice_nf": ("nf DCGAN (50×50)", "DCGAN nf (50×50)"),
    "choice_tutorial": ("Tutorial DCGAN (28×28, resized)", "DCGAN du tutoriel (28×28 agrandi)"),
    "choice_minimax": ("Minimax (original GAN)", "Minimax (GAN original)"),
    "choice_nonsaturating": ("Non-saturating", "Non saturante"),
    "choice_least_squares": ("Least squares (LSGAN)", "Moindres carrés (LSGAN)"),
    "choice_hinge": ("Hinge", "Hinge (charnière)"),
    "choice_wgan_gp": ("Wasserstein + gradient penalty", "Wasserstein + pénalité de gradient"),
    "choice_adam": ("Adam", "Adam"),
    "choice_sgd": ("SGD", "SGD"),
    "choice_rmsprop": ("RMSprop", "RMSprop"),
    "bad_setting": ("These settings cannot be used: {error}", "Ces réglages sont inutilisables : {error}"),
    "needs_reset": ("Changed: {fields}. Press Reset to start a new run with them.",
                    "Modifié : {fields}. Appuyez sur Réinitialiser pour lancer un nouvel entraînement."),
    # ---------------------------------------------------------------- lab: buttons
    "play": ("Play", "Lecture"),
    "pause": ("Pause", "Pause"),
    "help_play": ("Train continuously (the handout's train: train_step after train_step); the views refresh "
                  "while it runs.",
                  "Entraîne en continu (le train du TP : train_step après train_step) ; les vues se mettent à "
                  "jour pendant ce temps."),
    "reset": ("Reset", "Réinitialiser"),
    "help_reset": ("Start again from random weights with the settings shown.",
                   "Repart de poids aléatoires avec les réglages affichés."),
    "step": ("Step", "Pas"),
    "help_step": ("One iteration, the handout's train_step: k_d updates of D, then k_g updates of G.",
                  "Une itération, le train_step du TP : k_d mises à jour de D puis k_g de G."),
    "step_d": ("Step D", "Pas D"),
    "help_step_d": ("One update of the discriminator only: watch D's scores move, not the designs.",
                    "Une seule mise à jour du discriminateur : les scores de D bougent, pas les pièces."),
    "step_g": ("Step G", "Pas G"),
    "help_step_g": ("One update of the generator only: watch the designs move towards what D calls real.",
                    "Une seule mise à jour du générateur : les pièces se déplacent vers ce que D juge réel."),
    "save_run": ("Save run", "Enregistrer l'entraînement"),
    "run_name": ("Run name", "Nom de l'entraînement"),
    "help_run_name": ("Letters, digits, - and _; left empty, the name in grey. The Runs page lists saved runs.",
                      "Lettres, chiffres, - et _ ; vide, le nom en gris. La page Entraînements liste les "
                      "sauvegardes."),
    "save": ("Save", "Enregistrer"),
    "saved": ("Saved in Runs as “{name}”.", "Enregistré dans Entraînements sous « {name} »."),
    "save_failed": ("Could not save the run: {error}", "Impossible d'enregistrer : {error}"),
    "run_exists": ("A run named “{name}” is saved already. Overwrite it, or save under another name?",
                   "Un entraînement nommé « {name} » est déjà enregistré. L'écraser, ou enregistrer sous un "
                   "autre nom ?"),
    "run_exists_other": ("A run named “{name}” was saved from another browser session: it cannot be "
                         "overwritten from here. Save under another name.",
                         "Un entraînement nommé « {name} » a été enregistré depuis une autre session du "
                         "navigateur : il ne peut pas être écrasé d'ici. Enregistrez sous un autre nom."),
    "overwrite": ("Overwrite", "Écraser"),
    "save_as": ("Save as “{name}”", "Enregistrer sous « {name} »"),
    "server_stats": ("Server: runs open {live} · training {training} · waiting {waiting} (at most {cap} at once)",
                     "Serveur : entraînements ouverts {live} · en cours {training} · en attente {waiting} "
                     "({cap} à la fois au plus)"),
    "msg_freed": ("Your run was closed after a long inactivity; a new one has started.",
                  "Votre entraînement a été fermé après une longue inactivité ; un nouveau a démarré."),
    "msg_switched": ("New training data: a new run has started on it.",
                     "Nouvelles données d'entraînement : un nouvel entraînement a démarré."),
    "lab_own_designs": ("Training on your {count} uploaded designs, {level} pixels of material on average "
                        "(Data page).",
                        "Entraînement sur vos {count} pièces téléversées, {level} pixels de matière en moyenne "
                        "(page Données)."),
    "msg_idle": ("Paused because this tab stopped refreshing. Press Play to go on.",
                 "En pause car cet onglet ne se rafraîchissait plus. Appuyez sur Lecture pour continuer."),
    "worker_error": ("Training stopped: {error}. Press Reset to start this run again.",
                     "L'entraînement s'est arrêté : {error}. Réinitialisez pour relancer cet entraînement."),
    # ---------------------------------------------------------------- lab: header and status
    "iteration": ("Iteration", "Itération"),
    "steps_per_s": ("Steps / s", "Pas / s"),
    "status": ("Status", "État"),
    # the Lab's status metric: at most 16 characters, what its column shows at 1366 px without "…"
    "state_building": ("building…", "construction…"),
    "state_compiling": ("compiling…", "compilation…"),
    "state_paused": ("paused", "en pause"),
    "state_playing": ("training", "entraînement"),
    "state_waiting": ("queued, #{position}", "en attente n° {position}"),
    "state_partner": ("other's turn", "tour de l'autre"),  # compare mode: the other run is behind
    "state_diverged": ("diverged", "divergé"),
    "state_error": ("error", "erreur"),
    "state_freed": ("closed", "fermé"),
    "loss_d": ("D loss", "Perte de D"),
    "loss_g": ("G loss", "Perte de G"),
    "d_real": ("D(real)", "D(réel)"),
    "d_fake": ("D(generated)", "D(généré)"),
    # ---------------------------------------------------------------- issue 18: presets, lone steps (h18a)
    "preset_custom": ("Custom settings", "Réglages personnalisés"),
    "preset_balanced": ("Balanced", "Équilibré"),
    "preset_balanced_about": ("Both players learn at the DCGAN paper's matched pace (2e-4): the losses settle around "
                              "their equilibrium values and D(real) and D(generated) stay apart but away from 0 and "
                              "1, with no warning.",
                              "Les deux joueurs apprennent au même rythme, celui de l'article DCGAN (2e-4) : les "
                              "pertes se stabilisent autour de leur valeur d'équilibre et D(réel) et D(généré) "
                              "restent distincts sans atteindre 0 ou 1, sans avertissement."),
    "preset_both_large": ("Both learning rates large", "Deux taux d'apprentissage grands"),
    "preset_both_large_about": ("With both learning rates a hundred times Balanced's (2e-2), every update overshoots: "
                                "D's verdicts and the losses jump from one iteration to the next instead of settling "
                                "(the Lab says they oscillate).",
                                "Avec des taux d'apprentissage cent fois ceux d'Équilibré (2e-2), chaque mise à jour "
                                "dépasse sa cible : les verdicts de D et les pertes sautent d'une itération à l'autre "
                                "au lieu de se stabiliser (le Lab dit qu'ils oscillent)."),
    "preset_both_small": ("Both learning rates small", "Deux taux d'apprentissage petits"),
    "preset_both_small_about": ("With both learning rates a thousand times Balanced's (2e-7), nothing happens: the "
                                "losses stay at their starting values, D cannot tell real from generated and the "
                                "samples stay shapeless blobs (the Lab says it is barely learning).",
                                "Avec des taux d'apprentissage mille fois plus petits que ceux d'Équilibré (2e-7), "
                                "rien ne se passe : les pertes restent à leur valeur de départ, D ne distingue pas le "
                                "réel du généré et les échantillons restent des taches informes (le Lab dit que "
                                "l'apprentissage est presque à l'arrêt)."),
    "preset_d_too_strong": ("Discriminator too strong", "Discriminateur trop fort"),
    "preset_d_too_strong_about": ("With ten times Balanced's learning rate, against a tenth for the generator, and "
                                  "five steps per generator step, the discriminator rejects every fake (D(generated) "
                                  "falls to 0) and the generator's loss climbs (the Lab says D wins).",
                                  "Avec dix fois le taux d'apprentissage d'Équilibré, contre un dixième pour le "
                                  "générateur, et cinq pas par pas du générateur, le discriminateur rejette tous les "
                                  "faux (D(généré) tombe à 0) et la perte du générateur grimpe (le Lab dit que D "
                                  "gagne)."),
    "preset_g_too_strong": ("Generator too strong", "Générateur trop fort"),
    "preset_g_too_strong_about": ("With ten times Balanced's learning rate, against a tenth for the discriminator, "
                                  "and five steps per discriminator step, the generator fools the lagging "
                                  "discriminator (D(generated) rises above D(real)) without learning what real "
                                  "designs look like: its designs end up all alike (the Lab says G fools D, then that "
                                  "G collapses).",
                                  "Avec dix fois le taux d'apprentissage d'Équilibré, contre un dixième pour le "
                                  "discriminateur, et cinq pas par pas du discriminateur, le générateur trompe un "
                                  "discriminateur à la traîne (D(généré) dépasse D(réel)) sans apprendre à quoi "
                                  "ressemblent de vraies pièces : ses pièces finissent toutes pareilles (le Lab dit "
                                  "que G trompe D, puis que G s'effondre)."),
    "help_preset_conditional": ("Presets show the plain GAN's phenomena: turn the conditional GAN off to use them.",
                                "Les préréglages montrent les phénomènes du GAN simple : désactivez le GAN "
                                "conditionnel pour les utiliser."),
    "stepped_d": ("Step D: D updated once, G unchanged. The iteration counts full steps only (D, then G).",
                  "Pas D : D mis à jour une fois, G inchangé. L'itération ne compte que les pas complets "
                  "(D, puis G)."),
    "stepped_g": ("Step G: G updated once, D unchanged. The iteration counts full steps only (D, then G).",
                  "Pas G : G mis à jour une fois, D inchangé. L'itération ne compte que les pas complets "
                  "(D, puis G)."),
    "loss_updated": ("updated", "mis à jour"),
    "loss_unchanged": ("unchanged", "inchangé"),
    # ---------------------------------------------------------------- lab: views
    "view": ("View", "Vue"),
    "help_view": ("What to watch; only the chosen view is drawn, so the page stays fast.",
                  "Ce que vous regardez ; seule la vue choisie est dessinée, la page reste rapide."),
    "view_overview": ("Curves and samples", "Courbes et échantillons"),
    "view_distribution": ("Distribution", "Distribution"),
    "view_quality": ("Quality", "Qualité"),
    "view_timeline": ("Timeline", "Historique"),
    "view_step_by_step": ("Step by step", "Pas à pas"),
    "fig_losses": ("Losses", "Pertes"),
    "fig_d_scores": ("Mean D score (0.5 = D cannot tell)", "Score moyen de D (0,5 = D ne sait pas)"),
    "fig_d_scores_critic": ("Mean D score (here a score, not a probability)",
                            "Score moyen de D (ici un score, pas une probabilité)"),
    "d_prob_axis": ("D(x): probability of real", "D(x) : probabilité d'être réelle"),
    "d_score_axis": ("D's score (sigmoid of its output)", "score de D (sigmoïde de sa sortie)"),
    "loss_axis_log": ("loss (log scale)", "perte (échelle log)"),
    "curve_clipped": ("▲ peaks clipped (hover a triangle; the log axis shows all)",
                      "▲ pics coupés (survolez un triangle ; l'échelle log montre tout)"),
    "ctl_smoothing": ("Smoothing", "Lissage"),
    "help_smoothing": ("Exponential moving average of the curves, as in TensorBoard: 0 shows the raw values, "
                       "0.9 a strongly smoothed trend. The raw curve stays drawn, faint.",
                       "Moyenne mobile exponentielle des courbes, comme dans TensorBoard : 0 montre les valeurs "
                       "brutes, 0,9 une tendance très lissée. La courbe brute reste tracée, en pâle."),
    "ctl_log_axis": ("Log axis for losses", "Pertes en échelle log"),
    "help_log_axis": ("A logarithmic loss axis: a spike no longer flattens the rest of the curve.",
                      "Un axe logarithmique pour les pertes : un pic n'écrase plus le reste de la courbe."),
    "fig_samples": ("Generated designs at iteration {iteration} (fixed noise)",
                    "Pièces générées à l'itération {iteration} (bruit fixe)"),
    "samples_caption": ("Each design comes from the same noise vector all along, so you see G change. "
                        "D's score: green ≥ 0.5 (looks real to D), purple < 0.5.",
                        "Chaque pièce vient toujours du même vecteur de bruit : on voit G évoluer. "
                        "Score de D : vert ≥ 0,5 (réel pour D), violet < 0,5."),
    "case_label": ("**Load at row {row}**, {angle}°  \nvolume {volume}",
                   "**Charge à la ligne {row}**, {angle}°  \nvolume {volume}"),
    "samples_caption_conditional": ("Each row: one load case (the load on the right edge at that row, its angle "
                                    "from straight down), four noise vectors kept all along. D's score: green "
                                    "≥ 0.5 (looks real to D for that case), purple < 0.5.",
                                    "Chaque ligne : un cas de charge (la charge sur le bord droit à cette ligne, "
                                    "son angle depuis la verticale), quatre vecteurs de bruit gardés tout du long. "
                                    "Score de D : vert ≥ 0,5 (réel pour D pour ce cas), violet < 0,5."),
    "distribution_conditional": ("A conditional D scores a design for a load case, and this view's plane has "
                                 "none: watch the samples (Overview) and the physics (Quality) instead.",
                                 "Un D conditionnel note une pièce pour un cas de charge, et le plan de cette "
                                 "vue n'en a pas : regardez plutôt les échantillons (Vue d'ensemble) et la "
                                 "physique (Qualité)."),
    "no_samples_yet": ("Nothing to show yet: press Play or Step.", "Rien à montrer : appuyez sur Lecture ou Pas."),
    "iteration_axis": ("iteration", "itération"),
    "loss_axis": ("loss", "perte"),
    "layers": ("Layers", "Calques"),
    "help_layers": ("Show or hide each layer of the view, as in GAN Lab.",
                    "Affiche ou masque chaque calque de la vue, comme dans GAN Lab."),
    "layer_heatmap": ("D's score", "Score de D"),
    "layer_real": ("real", "réelles"),
    "layer_fake": ("generated", "générées"),
    "layer_arrows": ("G's gradient", "Gradient de G"),
    "fig_distribution": ("Designs on the data's PCA plane (iteration {iteration})",
                         "Pièces sur le plan ACP des données (itération {iteration})"),
    "fig_material": ("Material level", "Niveau de matière"),
    "material_axis": ("solid pixels per design", "pixels pleins par pièce"),
    "share_axis": ("share of designs", "part des pièces"),
    "distribution_caption": ("Background: where D believes designs are real. D scores every real and generated "
                             "design shown; the plane is coloured by the scores near each point (green: D says "
                             "real, purple: D says generated, white: D cannot tell). When D wins, the green dots "
                             "sit on green and the purple ones on purple; when D cannot tell, the plane turns "
                             "white. Contrast now: {contrast} (0 = D cannot tell, 1 = D tells every design). "
                             "Arrows: where G's next update pushes its designs.",
                             "Fond : là où D croit les pièces réelles. D note chaque pièce réelle et générée "
                             "affichée ; le plan prend la couleur des notes voisines de chaque point (vert : réel "
                             "pour D, violet : généré pour D, blanc : D ne sait pas). Quand D gagne, les points "
                             "verts sont sur du vert et les violets sur du violet ; quand D ne sait plus, le plan "
                             "devient blanc. Contraste actuel : {contrast} (0 = D ne sait pas, 1 = D reconnaît "
                             "chaque pièce). Flèches : où la prochaine mise à jour de G pousse ses pièces."),
    "fig_latent_grid": ("Generator view: G on a 5×5 grid of its noise space",
                        "Vue du générateur : G sur une grille 5×5 de son espace de bruit"),
    "latent_grid_caption": ("Each tile is G's design for one point of a flat slice through its noise space (left "
                            "to right, top to bottom: two fixed directions, from −2 to +2). Neighbouring points "
                            "give neighbouring designs: this is how G maps noise to designs. Label: D's score.",
                            "Chaque case est la pièce que G dessine pour un point d'une tranche plane de son espace "
                            "de bruit (de gauche à droite, de haut en bas : deux directions fixes, de −2 à +2). "
                            "Des points voisins donnent des pièces voisines : c'est ainsi que G transforme le bruit "
                            "en pièces. Étiquette : score de D."),
    "fig_quality": ("Quality of generated designs", "Qualité des pièces générées"),
    "rate_axis": ("rate / divergence", "taux / divergence"),
    "w1_axis": ("material W1 (pixels)", "W1 de matière (pixels)"),
    "no_metrics_yet": ("Quality metrics appear a few seconds after training starts.",
                       "Les métriques de qualité apparaissent quelques secondes après le début."),
    "metric": ("Metric", "Métrique"),
    "value": ("Value", "Valeur"),
    "target": ("Target", "Cible"),
    "met": ("Met", "Atteint"),
    "yes": ("yes", "oui"),
    "no": ("no", "non"),
    "latest_report": ("Latest report, iteration {iteration} (256 samples)",
                      "Dernier bilan, itération {iteration} (256 échantillons)"),
    "metric_material_w1": ("material W1 (pixels)", "W1 de matière (pixels)"),
    "metric_js_pca": ("JS divergence (PCA grid)", "Divergence JS (grille ACP)"),
    "metric_floating_rate": ("floating material", "matière flottante"),
    "metric_support_contact_rate": ("touches the support", "touche l'appui"),
    "metric_binarity": ("binarity", "binarité"),
    "metric_precision": ("precision", "précision"),
    "metric_recall": ("recall", "rappel"),
    "metric_novelty": ("novelty", "nouveauté"),
    "metric_compliance_gap": ("compliance gap", "écart de souplesse"),
    "metric_median_abs_ce": ("median |compliance error| (|CE|, %)", "|erreur de souplesse| médiane (|CE|, %)"),
    "metric_median_vfe": ("median volume error (VFE, %)", "erreur de volume médiane (VFE, %)"),
    "metric_fm8": ("floating material (FM, %)", "matière flottante (FM, %)"),
    "metric_ld": ("void under the load (LD, %)", "vide sous la charge (LD, %)"),
    "fig_physics": ("Physics against SIMP on {n} held-out load cases",
                    "Physique face à SIMP sur {n} cas de charge jamais vus"),
    "physics_axis": ("% (log scale)", "% (échelle log)"),
    "explain": ("What it means", "Ce que cela mesure"),
    "explain_material_w1": ("How far the generated designs' amounts of material are from the real ones' "
                            "(Wasserstein-1 distance, in pixels of the 2 500): 0 means the same amounts.",
                            "L'écart entre les quantités de matière des pièces générées et des vraies (distance "
                            "de Wasserstein-1, en pixels sur 2 500) : 0 veut dire les mêmes quantités."),
    "explain_js_pca": ("How differently real and generated designs spread over the data's PCA plane "
                       "(Jensen–Shannon divergence on a grid, as in GAN Lab): 0 = same spread, 1 = no overlap.",
                       "À quel point pièces réelles et générées se répartissent différemment sur le plan ACP "
                       "des données (divergence de Jensen-Shannon sur une grille, comme GAN Lab) : 0 = même "
                       "répartition, 1 = aucun recouvrement."),
    "explain_floating_rate": ("Share of generated designs whose material is not one connected piece: a part "
                              "floats, held by nothing.",
                              "Part des pièces générées dont la matière n'est pas d'un seul tenant : un morceau "
                              "flotte, tenu par rien."),
    "explain_support_contact_rate": ("Share of generated designs whose material touches the clamped left edge.",
                                     "Part des pièces générées dont la matière touche le bord gauche encastré."),
    "explain_binarity": ("How sure G is of each pixel: 1 = every pixel pure solid or void, 0 = all mid-grey.",
                         "L'assurance de G pour chaque pixel : 1 = chaque pixel plein ou vide, 0 = tout gris."),
    "explain_precision": ("Quality: share of generated designs that lie close to some real design.",
                          "Qualité : part des pièces générées proches d'au moins une vraie pièce."),
    "explain_recall": ("Variety: share of real designs that G draws something close to (low recall: G "
                       "collapses onto a few shapes).",
                       "Variété : part des vraies pièces dont G dessine quelque chose de proche (rappel faible : "
                       "G s'effondre sur quelques formes)."),
    "explain_novelty": ("Share of generated designs that are not near-copies of a training design.",
                        "Part des pièces générées qui ne sont pas des quasi-copies d'une pièce d'entraînement."),
    "explain_compliance_gap": ("How much more a generated design bends under its load than the closest SIMP "
                               "design (0 = as stiff).",
                               "De combien une pièce générée plie plus sous sa charge que la pièce SIMP la plus "
                               "proche (0 = aussi rigide)."),
    "explain_median_abs_ce": ("Conditional GAN, on held-out cases: how far the generated design's stiffness is "
                              "from SIMP's design for the same load and volume, |C / C_SIMP − 1| (0 = as stiff; "
                              "a design heavier than asked can be stiffer: the volume error shows it).",
                              "GAN conditionnel, sur des cas jamais vus : l'écart de rigidité entre la pièce "
                              "générée et la pièce SIMP pour la même charge et le même volume, |C / C_SIMP − 1| "
                              "(0 = aussi rigide ; une pièce plus lourde que demandé peut être plus rigide : "
                              "l'erreur de volume le montre)."),
    "explain_median_vfe": ("How far the generated design's volume is from the volume asked, relative to it.",
                           "L'écart relatif entre le volume de la pièce générée et le volume demandé."),
    "explain_fm8": ("Share of the held-out cases' designs that are not one piece (8-connected).",
                    "Part des pièces des cas jamais vus qui ne sont pas d'un seul tenant (8-connexité)."),
    "explain_ld": ("Share of the held-out cases' designs with no material where the load is applied.",
                   "Part des pièces des cas jamais vus sans matière là où s'applique la charge."),
    "timeline": ("Iteration", "Itération"),
    "help_timeline": ("Scrub back through the generated designs saved during training.",
                      "Remontez le temps dans les pièces générées pendant l'entraînement."),
    "slowmo_intro": ("One iteration in slow motion, with the real numbers of that step: noise → G(z) → D's scores "
                     "→ losses → gradients → designs after the update. The button pauses the run, then runs one "
                     "train_step (one D update and one G update); press Play to resume training.",
                     "Une itération au ralenti, avec les vrais nombres de ce pas : bruit → G(z) → scores de D → "
                     "pertes → gradients → pièces après la mise à jour. Le bouton met l'entraînement en pause, "
                     "puis exécute un train_step (une mise à jour de D et une de G) ; appuyez sur Lecture pour "
                     "reprendre."),
    "slowmo_button": ("Pause and run one iteration in slow motion", "Pause, puis une itération au ralenti"),
    "stage_1": ("1 · Noise z", "1 · Bruit z"),
    "stage_2": ("2 · G turns the noise into designs", "2 · G transforme le bruit en pièces"),
    "stage_3": ("3 · D scores real and generated designs", "3 · D note les pièces réelles et générées"),
    "stage_4": ("4 · The losses", "4 · Les pertes"),
    "stage_5": ("5 · Gradient norm of each layer", "5 · Norme du gradient de chaque couche"),
    "stage_6": ("6 · The designs after the update", "6 · Les pièces après la mise à jour"),
    "fig_noise": ("Noise vectors (one row per design)", "Vecteurs de bruit (une ligne par pièce)"),
    "latent_axis": ("latent dimension", "dimension latente"),
    "sample_axis": ("design", "pièce"),
    "fig_fakes_before": ("G(z) with D's score", "G(z) avec le score de D"),
    "fig_reals": ("Real designs of the batch with D's score", "Pièces réelles du lot avec le score de D"),
    "fig_strip": ("D's score of every design of the batch", "Score de D pour chaque pièce du lot"),
    "fig_grad_norms": ("Gradient norm per layer", "Norme du gradient par couche"),
    "norm_axis": ("norm (log scale)", "norme (échelle log)"),
    "fig_fakes_after": ("G(z) with the same noise, after the update", "G(z), même bruit, après la mise à jour"),
    "generator": ("Generator G", "Générateur G"),
    "discriminator": ("Discriminator D", "Discriminateur D"),
    # ---------------------------------------------------------------- health
    "health_diverged": ("The run diverged at iteration {iteration}: a loss became infinite or NaN.",
                        "L'entraînement a divergé à l'itération {iteration} : une perte est devenue infinie ou NaN."),
    "health_exploding": ("The losses explode (about {loss}): the steps are far too large for the networks.",
                         "Les pertes explosent (environ {loss}) : les pas sont bien trop grands pour les réseaux."),
    "health_slow": ("Each step takes about {seconds} s: the curves and designs will change very slowly.",
                    "Chaque pas prend environ {seconds} s : courbes et pièces vont évoluer très lentement."),
    "health_d_wins": ("The discriminator wins: it rejects every generated design and G no longer improves.",
                      "Le discriminateur gagne : il rejette toutes les pièces générées et G ne progresse plus."),
    "health_g_wins": ("The generator fools a lagging discriminator: D scores generated designs above real ones, "
                      "so G is not pushed towards real-looking designs.",
                      "Le générateur trompe un discriminateur à la traîne : D note les pièces générées au-dessus "
                      "des vraies, G n'est donc pas poussé vers des pièces réalistes."),
    "health_collapse": ("The generator collapses: its designs all look alike.",
                        "Le générateur s'effondre : ses pièces se ressemblent toutes."),
    "health_oscillating": ("D and G oscillate: D's verdict on real and generated designs swings from one step "
                           "to the next instead of settling.",
                           "D et G oscillent : le verdict de D sur les pièces réelles et générées bascule d'un pas "
                           "à l'autre au lieu de se stabiliser."),
    "health_barely_learning": ("Barely learning: D's scores move by only {swing} a step on average (about 0.1 "
                               "in a lively run), so the losses stay flat and the designs change slowly.",
                               "L'apprentissage est presque à l'arrêt : les scores de D ne bougent que de {swing} "
                               "par pas en moyenne (environ 0,1 quand ça apprend), les pertes restent plates et "
                               "les pièces changent lentement."),
    "advice_lower_both_lr": ("Lower both learning rates (e.g. to 2e-4, as in Balanced).",
                             "Baissez les deux taux d'apprentissage (par ex. à 2e-4, comme Équilibré)."),
    "advice_raise_both_lr": ("Raise both learning rates (e.g. to 2e-4, as in Balanced): each step barely moves "
                             "the weights.",
                             "Augmentez les deux taux d'apprentissage (par ex. à 2e-4, comme Équilibré) : chaque pas "
                             "bouge à peine les poids."),
    "advice_lower_lr_d": ("Lower D's learning rate.", "Baissez le taux d'apprentissage de D."),
    "advice_lower_lr_g": ("Lower G's learning rate.", "Baissez le taux d'apprentissage de G."),
    "advice_lower_k_d": ("Lower k_d (D updates per step).", "Baissez k_d (mises à jour de D par pas)."),
    "advice_lower_k_g": ("Lower k_g (G updates per step).", "Baissez k_g (mises à jour de G par pas)."),
    "advice_raise_k_g": ("Raise k_g, so G gets more updates per step.",
                         "Augmentez k_g : G reçoit plus de mises à jour par pas."),
    "advice_lower_batch": ("Lower the batch size (then Reset).", "Baissez la taille de lot (puis réinitialisez)."),
    "advice_raise_batch": ("Raise the batch size (then Reset).", "Augmentez la taille de lot (puis réinitialisez)."),
    "advice_lower_nf": ("Lower nf, the networks' width (then Reset).",
                        "Baissez nf, la largeur des réseaux (puis réinitialisez)."),
    "advice_lower_beta1": ("Lower Adam's β1 to 0.5.", "Baissez le β1 d'Adam à 0,5."),
    "advice_try_nonsaturating": ("Try the non-saturating loss.", "Essayez la perte non saturante."),
    "advice_try_wgan": ("Try the WGAN-GP loss.", "Essayez la perte WGAN-GP."),
    "advice_use_adam": ("Use Adam instead of SGD.", "Utilisez Adam plutôt que SGD."),
    "advice_reset": ("Press Reset to start again.", "Réinitialisez pour recommencer."),
    "advice_server_busy": ("The server is shared by the class: steps are slower while many runs train.",
                           "Le serveur est partagé par la classe : les pas sont plus lents quand beaucoup "
                           "d'entraînements tournent."),
    "advice_be_patient": ("Give it a few hundred more iterations.",
                          "Laissez-lui quelques centaines d'itérations de plus."),
    # ---------------------------------------------------------------- data page
    "data_title": ("The designs", "Les pièces"),
    "data_intro": ("Cantilever beams made by topology optimization (SIMP): clamped on the left, loaded on the "
                   "right edge. Black is material, white is void. This is what the GAN has to imitate.",
                   "Consoles obtenues par optimisation topologique (SIMP) : encastrées à gauche, chargées sur le "
                   "bord droit. Noir : matière ; blanc : vide. C'est ce que le GAN doit imiter."),
    "design_count": ("Designs", "Pièces"),
    "design_size": ("Pixels", "Pixels"),
    "mean_material": ("Mean material", "Matière moyenne"),
    "help_mean_material": ("Mean number of solid pixels per design (the material level).",
                           "Nombre moyen de pixels pleins par pièce (le niveau de matière)."),
    "mean_volfrac": ("Mean volume fraction", "Fraction volumique moyenne"),
    "gallery": ("Gallery", "Galerie"),
    "gallery_seed": ("Draw", "Tirage"),
    "help_gallery_seed": ("Change the number to see other designs.", "Changez le nombre pour voir d'autres pièces."),
    "overlay_and_mean": ("Overlay and mean design", "Superposition et pièce moyenne"),
    "overlay_count": ("Designs overlaid", "Pièces superposées"),
    "help_overlay_count": ("How many designs of the draw to stack.", "Nombre de pièces du tirage à superposer."),
    "fig_overlay": ("Outlines of {count} designs", "Contours de {count} pièces"),
    "fig_mean_design": ("Mean of all designs", "Moyenne de toutes les pièces"),
    "overlay_caption": ("Left, where the outlines of the drawn designs run: the darker, the more designs have an "
                        "edge there. Right, the share of all designs with material at each pixel: the clamped edge "
                        "is solid at its two ends and empty in its middle (the two arms of the cantilever); the "
                        "load moves along the right edge (each design has material where its own load acts), so no pixel there "
                        "is always solid.",
                        "À gauche, où passent les contours des pièces tirées : plus c'est foncé, plus de pièces y "
                        "ont un bord. À droite, la part de toutes les pièces qui ont de la matière en chaque "
                        "pixel : l'encastrement est plein à ses deux bouts et vide en son milieu (les deux bras "
                        "de la console) ; la charge se déplace le long du bord droit (chaque pièce a de la matière "
                        "là où s'applique sa propre charge), aucun pixel n'y est donc toujours plein."),
    "designs_axis": ("designs", "pièces"),
    "fig_load_cases": ("Load cases", "Cas de charge"),
    "angle_axis": ("load direction (degrees from straight down)", "direction de la charge (degrés depuis la verticale)"),
    "row_axis": ("load position (node row on the right edge)", "position de la charge (ligne sur le bord droit)"),
    "load_cases_caption": ("Each design answers one load case; colour: its volume fraction.",
                           "Chaque pièce répond à un cas de charge ; couleur : sa fraction volumique."),
    # ---------------------------------------------------------------- data page: the student's own designs
    "upload_title": ("Your own designs", "Vos propres pièces"),
    "upload_intro": ("Train the GAN on designs of your own. They stay in this browser session: nobody else sees "
                     "them and nothing is saved on the server.",
                     "Entraînez le GAN sur vos propres pièces. Elles restent dans cette session du navigateur : "
                     "personne d'autre ne les voit et rien n'est enregistré sur le serveur."),
    "upload_label": ("Dataset file (.npy, .npz or .zip)", "Fichier de données (.npy, .npz ou .zip)"),
    "help_upload": ("An .npy or .npz array of shape (N, 50, 50): 0/1 values of any type, greyscale 0–255 "
                    "(material from 128) or floats in [0, 1] (material from 0.5); or a .zip of 50×50 PNG images, "
                    "white for material (colour images: their luminance, material from 128). At most {mb} MB, at "
                    "least {min} designs.",
                    "Un tableau .npy ou .npz de forme (N, 50, 50) : valeurs 0/1 de tout type, niveaux de gris "
                    "0–255 (matière à partir de 128) ou réels dans [0, 1] (matière à partir de 0,5) ; ou un .zip "
                    "d'images PNG 50×50, blanc pour la matière (images en couleur : leur luminance, matière à "
                    "partir de 128). Au plus {mb} Mo, au moins {min} pièces."),
    "upload_limit": ("At most {mb} MB per file · NPY, NPZ, ZIP", "Au plus {mb} Mo par fichier · NPY, NPZ, ZIP"),
    "upload_read": ("Read as {reading}: {count} designs, on average {material} material pixels out of {pixels} "
                    "({share}).",
                    "Lu comme {reading} : {count} pièces, en moyenne {material} pixels de matière sur {pixels} "
                    "({share})."),
    "reading_binary": ("0/1 values", "valeurs 0/1"),
    "reading_greyscale": ("greyscale 0–255 thresholded at 128", "niveaux de gris 0–255 seuillés à 128"),
    "reading_luminance": ("luminance of colour images thresholded at 128",
                          "luminance des images en couleur seuillée à 128"),
    "reading_float": ("floats thresholded at 0.5", "réels seuillés à 0,5"),
    "own_overlay_caption": ("Each pixel shows the share of your designs with material there. Your {count} designs "
                            "hold on average {material} material pixels ({share} of the domain).",
                            "Chaque pixel montre la part de vos pièces qui y ont de la matière. Vos {count} pièces "
                            "ont en moyenne {material} pixels de matière ({share} du domaine)."),
    "confirm_switch": ("The Lab's current run is at iteration {iteration}: changing its designs closes it, and "
                       "what is not saved is lost. Save it first in the Lab (sidebar, Save run), or go on.",
                       "L'entraînement en cours du Lab en est à l'itération {iteration} : changer ses pièces le "
                       "ferme, et ce qui n'est pas enregistré est perdu. Enregistrez-le d'abord dans le Lab (barre "
                       "latérale, Enregistrer), ou continuez."),
    "btn_confirm_switch": ("Close that run and switch", "Fermer cet entraînement et changer"),
    "btn_cancel_switch": ("Keep that run", "Garder cet entraînement"),
    "upload_error": ("This file cannot be used: {error}", "Ce fichier est inutilisable : {error}"),
    "upload_shown": ("Your designs ({name})", "Vos pièces ({name})"),
    # ---------------------------------------------------------------- errors: error_<code> (app/errors.py)
    "error_unexpected": ("an unexpected error ({kind}), kept in the server's log for your teacher",
                         "une erreur inattendue ({kind}), notée dans le journal du serveur pour votre "
                         "enseignant"),
    "error_disk_full": ("the server's disk is full; tell your teacher",
                        "le disque du serveur est plein ; prévenez votre enseignant"),
    "error_no_permission": ("the server may not write to its runs folder; tell your teacher",
                            "le serveur n'a pas le droit d'écrire dans son dossier d'entraînements ; prévenez "
                            "votre enseignant"),
    "error_run_exists": ("a run named “{name}” is saved already: overwrite it or choose another name (e.g. "
                         "“{free_name}”)",
                         "un entraînement nommé « {name} » est déjà enregistré : remplacez-le ou choisissez un "
                         "autre nom (par exemple « {free_name} »)"),
    "error_run_exists_elsewhere": ("a run named “{name}” was saved from another session: choose another name "
                                   "(e.g. “{free_name}”)",
                                   "un entraînement nommé « {name} » a été enregistré depuis une autre session : "
                                   "choisissez un autre nom (par exemple « {free_name} »)"),
    "error_run_name_unusable": ("“{name}” has no usable characters: use letters, digits, - or _.",
                                "« {name} » ne contient aucun caractère utilisable : employez lettres, chiffres, - "
                                "ou _."),
    "error_run_missing": ("the run “{name}” is no longer saved (removed or being replaced); reload the page",
                          "l'entraînement « {name} » n'est plus enregistré (supprimé ou en cours de remplacement) ; "
                          "rechargez la page"),
    "error_run_unreadable": ("the run “{name}” was saved by another version of mechgan or is damaged: it cannot "
                             "be continued; start a new run",
                             "l'entraînement « {name} » a été enregistré par une autre version de mechgan ou est "
                             "abîmé : impossible de le poursuivre ; lancez un nouvel entraînement"),
    "error_conditional_needs_cases": ("a conditional GAN needs each design's load case and volume: it trains on "
                                      "the shipped designs only",
                                      "un GAN conditionnel a besoin du cas de charge et du volume de chaque pièce : "
                                      "il ne s'entraîne que sur les pièces fournies"),
    "error_diverged": ("training diverged: a loss or its gradients became NaN or infinite (learning rate too "
                       "large?); press Reset to start again",
                       "l'entraînement a divergé : une perte ou ses gradients sont devenus NaN ou infinis (taux "
                       "d'apprentissage trop grand ?) ; réinitialisez pour recommencer"),
    "error_setting_choice": ("{setting} must be one of {choices}, not {value}",
                             "{setting} doit valoir l'un de {choices}, pas {value}"),
    "error_setting_number": ("{setting} must be a finite number, not {value}",
                             "{setting} doit être un nombre fini, pas {value}"),
    "error_setting_range": ("{setting} must be in {range}, not {value}",
                            "{setting} doit être dans {range}, pas {value}"),
    "error_setting_whole": ("{setting} must be a whole number, not {value}",
                            "{setting} doit être un nombre entier, pas {value}"),
    "error_setting_switch": ("{setting} must be true or false, not {value}",
                             "{setting} doit valoir vrai ou faux, pas {value}"),
    "error_setting_unknown": ("unknown setting: {setting}", "réglage inconnu : {setting}"),
    "error_setting_frozen": ("{setting} cannot change during a run: press Reset to start a new run with it",
                             "{setting} ne peut pas changer en cours d'entraînement : réinitialisez pour lancer "
                             "un nouvel entraînement avec ce réglage"),
    "error_no_file": ("no such file or folder", "fichier ou dossier introuvable"),
    "error_file_too_large": ("the file is larger than {mb} MB, the upload limit",
                             "le fichier dépasse {mb} Mo, la limite d'envoi"),
    "error_file_type": ("unsupported file type: upload a .npy or .npz array, or a .zip of PNG images",
                        "type de fichier non pris en charge : envoyez un tableau .npy ou .npz, ou un .zip "
                        "d'images PNG"),
    "error_not_finite": ("the designs contain NaN or infinite values",
                         "les pièces contiennent des valeurs NaN ou infinies"),
    "error_float_range": ("real values must lie in [0, 1]; found {low:g} to {high:g}",
                          "les valeurs réelles doivent être dans [0, 1] ; trouvé de {low:g} à {high:g}"),
    "error_int_range": ("integer values must be 0/1 or greyscale 0-255; found {low} to {high}",
                        "les valeurs entières doivent être 0/1 ou des niveaux de gris 0-255 ; trouvé de {low} à "
                        "{high}"),
    "error_all_empty": ("read as {reading}, every design is empty (no material): material must be 1 (or white, "
                        "255) and void 0 (black)",
                        "lues comme {reading}, toutes les pièces sont vides (sans matière) : la matière doit "
                        "valoir 1 (ou blanc, 255) et le vide 0 (noir)"),
    "error_all_full": ("read as {reading}, every design is full: material must be 1 (or white, 255) and void 0 "
                       "(black)",
                       "lues comme {reading}, toutes les pièces sont pleines : la matière doit valoir 1 (ou "
                       "blanc, 255) et le vide 0 (noir)"),
    "error_npy_unreadable": ("not a readable .npy array", "pas un tableau .npy lisible"),
    "error_npy_objects": ("the array holds Python objects, and mechgan never unpickles data",
                          "le tableau contient des objets Python, et mechgan ne désérialise jamais de données"),
    "error_truncated": ("the file is truncated: it holds fewer values than its shape says",
                        "le fichier est tronqué : il contient moins de valeurs que sa forme n'en annonce"),
    "error_npz_empty": ("the .npz archive holds no array", "l'archive .npz ne contient aucun tableau"),
    "error_npz_several": ("several arrays ({names}) and none named 'designs'",
                          "plusieurs tableaux ({names}) et aucun nommé 'designs'"),
    "error_dtype": ("values must be numbers (bool, int or float), not {dtype}",
                    "les valeurs doivent être des nombres (bool, int ou float), pas {dtype}"),
    "error_shape": ("expected an array of shape (N, H, W), got {shape}",
                    "un tableau de forme (N, H, W) est attendu, reçu {shape}"),
    "error_empty": ("the dataset is empty", "le jeu de données est vide"),
    "error_too_many": ("{count} designs; at most {most} are accepted",
                       "{count} pièces ; {most} au plus sont acceptées"),
    "error_too_few": ("{count} designs; training needs at least {least}",
                      "{count} pièces ; l'entraînement en demande au moins {least}"),
    "error_side": ("designs are {height}×{width}; at most {most} pixels a side",
                   "les pièces font {height}×{width} ; {most} pixels de côté au plus"),
    "error_wrong_size": ("designs are {height}×{width}; mechgan needs {size}×{size}",
                         "les pièces font {height}×{width} ; mechgan les veut en {size}×{size}"),
    "error_too_many_pixels": ("{count} designs of {height}×{width} are too many pixels",
                              "{count} pièces de {height}×{width} font trop de pixels"),
    "error_archive_unreadable": ("unreadable {kind} archive", "archive {kind} illisible"),
    "error_zip64": ("ZIP64 archives are not accepted", "les archives ZIP64 ne sont pas acceptées"),
    "error_archive_directory": ("the archive's directory is larger than {mb} MB (a few entries per design)",
                                "le répertoire de l'archive dépasse {mb} Mo (quelques entrées par pièce)"),
    "error_member_too_large": ("{name} unpacks to more than {mb} MB", "{name} dépasse {mb} Mo une fois décompressé"),
    "error_zip_bomb": ("{name} has an absurd compression ratio (a zip bomb?)",
                       "{name} a un taux de compression absurde (une bombe zip ?)"),
    "error_unsafe_path": ("unsafe path in the archive: {name}", "chemin dangereux dans l'archive : {name}"),
    "error_archive_empty": ("the archive is empty", "l'archive est vide"),
    "error_unnamed_entry": ("an entry of the archive has no name", "une entrée de l'archive n'a pas de nom"),
    "error_not_png": ("{name} is not a PNG image", "{name} n'est pas une image PNG"),
    "error_no_png": ("the folder holds no PNG image", "le dossier ne contient aucune image PNG"),
    "error_images_too_large": ("its images add up to more than {mb} MB once unpacked, more than one upload may "
                               "give the server to read",
                               "ses images dépassent {mb} Mo une fois décompressées, plus qu'un envoi ne peut en "
                               "donner à lire au serveur"),
    "error_image_too_large": ("{name} is larger than {mb} MB, more than one design image may take",
                              "{name} dépasse {mb} Mo, plus qu'une image de pièce ne peut en prendre"),
    "error_mixed_sizes": ("the images do not all have the same size ({name} is {width}×{height})",
                          "les images n'ont pas toutes la même taille ({name} fait {width}×{height})"),
    "error_image_unreadable": ("{name} is not a readable image", "{name} n'est pas une image lisible"),
    "btn_train_on_upload": ("Train on these designs", "Entraîner sur ces pièces"),
    "help_train_on_upload": ("The Lab starts a new run on these designs, for this browser session only.",
                             "Le Lab démarre un nouvel entraînement sur ces pièces, pour cette session seulement."),
    "lab_on_upload": ("The Lab trains on your {count} designs.", "Le Lab s'entraîne sur vos {count} pièces."),
    "open_lab": ("Open the Lab", "Ouvrir le Lab"),
    "btn_back_to_shipped": ("Back to the shipped designs", "Revenir aux pièces fournies"),
    "help_back_to_shipped": ("The Lab starts a new run on the designs shipped with mechgan.",
                             "Le Lab démarre un nouvel entraînement sur les pièces fournies avec mechgan."),
    # ---------------------------------------------------------------- architectures page
    "arch_title": ("The networks and their game", "Les réseaux et leur jeu"),
    "arch_intro": ("Layer by layer, what G and D compute, and the losses they minimize.",
                   "Couche par couche, ce que calculent G et D, et les pertes qu'ils minimisent."),
    "param_count": ("{count} trainable weights", "{count} poids entraînables"),
    "arch_handout": ("In the handout's code, `initialize_weights_generator(nf, latent_dim)` and "
                     "`initialize_weights_discriminator(nf)` create each network's weights and biases, layer by "
                     "layer as drawn below; `generator(noise, weights)` and `discriminator(images, weights)` run "
                     "them. **`nf`** is the number of filters of D's first convolution (then 2·nf, 4·nf); G "
                     "goes the other way, from 4·nf filters down to nf. Doubling nf makes the networks two to four "
                     "times heavier and slower. The tutorial's DCGAN has fixed widths and works at 28×28: the lab resizes "
                     "its designs with `tf.image.resize` (handout question 3).",
                     "Dans le code du sujet, `initialize_weights_generator(nf, latent_dim)` et "
                     "`initialize_weights_discriminator(nf)` créent les poids et biais de chaque réseau, couche "
                     "par couche comme dessiné ci-dessous ; `generator(noise, weights)` et "
                     "`discriminator(images, weights)` les exécutent. **`nf`** est le nombre de filtres de la "
                     "première convolution de D (puis 2·nf, 4·nf) ; G fait le chemin inverse, de 4·nf filtres "
                     "à nf. Doubler nf rend les réseaux deux à quatre fois plus lourds et plus lents. Le DCGAN du "
                     "tutoriel a des largeurs fixes et travaille en 28×28 : le lab redimensionne ses pièces avec "
                     "`tf.image.resize` (question 3 du sujet)."),
    "arch_tables": ("Layer tables (name, type, output shape, weights)",
                    "Tableaux des couches (nom, type, forme de sortie, poids)"),
    "diagram_noise": ("noise z ({latent})", "bruit z ({latent})"),
    "diagram_design": ("design 50×50", "pièce 50×50"),
    "col_layer": ("Layer", "Couche"),
    "col_type": ("Type", "Type"),
    "col_shape": ("Output shape", "Forme de sortie"),
    "col_params": ("Weights", "Poids"),
    "losses_title": ("Losses", "Fonctions de perte"),
    "loss_note_minimax": ("Goodfellow's original game. G's loss saturates (tiny gradients) while D wins.",
                          "Le jeu original de Goodfellow. La perte de G sature (gradients minuscules) quand D gagne."),
    "loss_note_nonsaturating": ("Same fixed point, but G maximizes log D(G(z)): strong gradients early on.",
                                "Même équilibre, mais G maximise log D(G(z)) : des gradients forts au début."),
    "loss_note_least_squares": ("Squared distance to the targets: penalizes designs far from the boundary.",
                                "Distance au carré aux cibles : pénalise les pièces loin de la frontière."),
    "loss_note_hinge": ("A margin: D stops pushing once a design is clearly classified.",
                        "Une marge : D cesse de pousser quand une pièce est clairement classée."),
    "loss_note_wgan_gp": ("D becomes a critic estimating a distance between distributions; the penalty keeps it "
                          "smooth.", "D devient un critique qui estime une distance entre distributions ; la "
                          "pénalité le garde régulier."),
    "connect_title": ("G's connect penalty", "Pénalité de connexion pour G"),
    "connect_note": ("Added to G's loss whatever the objective: a cross-entropy that pushes towards void the "
                     "specks (pieces of at most 30 pixels) cut off from the structure, the piece that touches both "
                     "the clamped edge (left column) and the load (its row in a conditional run, else anywhere in "
                     "the family's band of the right edge). A piece off the clamp floats, a clamped piece that "
                     "misses the load dangles: neither carries the load. Solid specks are pushed as hard as faint "
                     "ones. Larger pieces are left to D: pushing them too cost G its variety.",
                     "Ajoutée à la perte de G quel que soit l'objectif : une entropie croisée qui pousse vers le "
                     "vide les îlots (morceaux d'au plus 30 pixels) détachés de la structure, le morceau qui touche "
                     "à la fois le bord encastré (colonne de gauche) et la charge (sa ligne en mode conditionnel, "
                     "sinon n'importe où dans la bande de la famille sur le bord droit). Un morceau sans "
                     "encastrement flotte, un morceau encastré qui manque la charge pend : aucun ne porte la "
                     "charge. Un îlot plein est poussé aussi fort qu'un îlot pâle. Les plus gros morceaux sont "
                     "laissés à D : les pousser aussi coûtait à G sa variété."),
    # ---------------------------------------------------------------- runs page
    "runs_title": ("Compare saved runs", "Comparer les entraînements"),
    "runs_intro": ("Save runs from the Lab (sidebar, Save run), then compare them here, e.g. both learning "
                   "rates large against both small.",
                   "Enregistrez des entraînements depuis le Lab (barre latérale, Enregistrer), puis comparez-les "
                   "ici, par exemple deux grands taux d'apprentissage contre deux petits."),
    "no_runs": ("No saved run yet. In the Lab, train a little, then use Save run in the sidebar.",
                "Aucun entraînement enregistré. Dans le Lab, entraînez un peu puis utilisez Enregistrer dans la "
                "barre latérale."),
    "runs_chosen": ("Runs to compare", "Entraînements à comparer"),
    "help_runs_chosen": ("Pick two or more saved runs.", "Choisissez deux entraînements ou plus."),
    "curve": ("Curve", "Courbe"),
    "help_curve": ("Which quantity to overlay for the chosen runs.", "La grandeur à superposer pour les runs choisis."),
    "loading_runs": ("Loading the saved networks…", "Chargement des réseaux enregistrés…"),
    "final_grids": ("Final designs (fixed noise)", "Pièces finales (bruit fixe)"),
    "quality_table": ("Quality reports (256 samples each)", "Bilans de qualité (256 échantillons chacun)"),
    "run": ("Run", "Entraînement"),
    "settings_table": ("Settings of each run", "Réglages de chaque entraînement"),
    "settings_all": ("All settings", "Tous les réglages"),
    "help_settings_all": ("Off: only the settings in which the chosen runs differ.",
                          "Désactivé : seuls les réglages qui diffèrent entre les entraînements choisis."),
    "settings_same": ("The chosen runs share every setting.", "Les entraînements choisis ont tous les mêmes "
                      "réglages."),
    "downloads": ("Downloads", "Téléchargements"),
    "dl_weights": ("Weights and config (ZIP)", "Poids et réglages (ZIP)"),
    "dl_history": ("History (CSV)", "Historique (CSV)"),
    "dl_grid": ("Design grid (PNG)", "Grille de pièces (PNG)"),
    "dl_designs": ("256 generated designs (NPZ)", "256 pièces générées (NPZ)"),
    # ---------------------------------------------------------------- design page (conditional GAN)
    "design_title": ("Design to a specification", "Une pièce sur cahier des charges"),
    "design_intro": ("Choose where the load acts on the right edge, its direction and the share of material. "
                     "Three columns answer the same case: a conditional GAN G, trained on the shipped designs, "
                     "draws cantilevers for it at once; then K iterations of topology optimization (SIMP) finish "
                     "each of G's designs; and SIMP solves the case from scratch, the reference.",
                     "Choisissez où la charge s'applique sur le bord droit, sa direction et la part de matière. "
                     "Trois colonnes répondent au même cas : un GAN conditionnel G, entraîné sur les pièces "
                     "fournies, dessine aussitôt des consoles pour ce cas ; puis K itérations d'optimisation "
                     "topologique (SIMP) finissent chacune des pièces de G ; enfin SIMP résout le cas en partant "
                     "de zéro, la référence."),
    "design_row": ("Load position (row)", "Position de la charge (ligne)"),
    "help_design_row": ("Node row on the right edge where the force acts: 0 is the top, 50 the bottom. "
                        "The model was trained on rows 10 to 40.",
                        "Ligne du nœud du bord droit où la force s'applique : 0 en haut, 50 en bas. "
                        "Le modèle a été entraîné sur les lignes 10 à 40."),
    "design_angle": ("Load angle (degrees)", "Angle de la charge (degrés)"),
    "help_design_angle": ("Direction of the force, measured from straight down; positive leans towards the free "
                          "end (right). Trained within ±40°.",
                          "Direction de la force, mesurée depuis la verticale vers le bas ; positif penche vers "
                          "l'extrémité libre (à droite). Entraîné entre −40° et +40°."),
    "design_volume": ("Volume fraction", "Fraction de volume"),
    "help_design_volume": ("Share of the 50×50 domain that may be solid. Trained from 0.30 to 0.50.",
                           "Part du domaine 50×50 qui peut être pleine. Entraîné de 0,30 à 0,50."),
    "designs_drawn": ("Designs drawn", "Pièces dessinées"),
    "help_design_count": ("How many designs the generator draws for this case (each from another noise z).",
                          "Combien de pièces le générateur dessine pour ce cas (chacune d'un autre bruit z)."),
    "design_redraw": ("New noise", "Nouveau bruit"),
    "help_design_redraw": ("Draw the generator's designs again from fresh noise, for the same case.",
                           "Redessine les pièces du générateur à partir d'un nouveau bruit, pour le même cas."),
    "design_out_of_range": ("This case lies outside what the model was trained on (rows {rows}, angles {angle}, "
                            "volume {volume}): its designs are guesses out of distribution.",
                            "Ce cas sort de ce que le modèle a vu à l'entraînement (lignes {rows}, angles {angle}, "
                            "volume {volume}) : ses pièces sont des extrapolations hors distribution."),
    "design_alone": ("G alone", "G seul"),
    "design_polished": ("G + {k} SIMP iterations", "G + {k} itérations de SIMP"),
    "design_simp": ("SIMP from scratch", "SIMP en partant de zéro"),
    "design_polish_k": ("SIMP iterations after G (K)", "Itérations de SIMP après G (K)"),
    "help_design_polish": ("5 by default: on held-out cases, 5 iterations bring G's designs within about 1% of "
                           "SIMP's final compliance (median), where SIMP from scratch needs about 30.",
                           "5 par défaut : sur des cas mis de côté, 5 itérations amènent les pièces de G à environ "
                           "1\u202f% de la souplesse finale de SIMP (médiane), là où SIMP parti de zéro en demande "
                           "une trentaine."),
    "design_simp_what": ("From a uniform gray to convergence: the reference of every CE.",
                         "D'un gris uniforme jusqu'à convergence : la référence de toute CE."),
    "design_simp_iter": ("SIMP · iteration {it}", "SIMP · itération {it}"),
    "design_simp_done": ("SIMP · final ({it} iterations)", "SIMP · final ({it} itérations)"),
    "design_simp_summary": ("Volume {vf} · {it} iterations in {t}", "Volume {vf} · {it} itérations en {t}"),
    "design_alone_summary": ("Median CE {ce} · {t} a design", "CE médiane {ce} · {t} par pièce"),
    "design_polished_summary": ("{it} SIMP iterations on each · median CE {ce} · {t} a design, G's share included",
                                "{it} itérations de SIMP sur chacune · CE médiane {ce} · {t} par pièce, part de G "
                                "comprise"),
    "design_ce_explain": ("C: compliance, how much a design bends under its load (lower is stiffer). CE, the "
                          "compliance error: C / C_SIMP − 1, against the design SIMP solves from scratch to "
                          "convergence (right column): 0% is as stiff, +10% bends 10% more; below 0%, stiffer, "
                          "usually for holding more material than asked.",
                          "C : souplesse, combien une pièce fléchit sous sa charge (plus bas, plus rigide). CE, "
                          "l'erreur de souplesse : C / C_SIMP − 1, par rapport à la pièce que SIMP résout en partant "
                          "de zéro jusqu'à convergence (colonne de droite) : 0\u202f% est aussi rigide, +10\u202f% "
                          "fléchit 10\u202f% de plus ; sous 0\u202f%, plus rigide, le plus souvent pour avoir plus "
                          "de matière que demandé."),
    "design_g_caption": ("C = {c} · CE = {ce}", "C = {c} · CE = {ce}"),
    "design_g_unloaded": ("No material at the load: this design does not carry it.",
                          "Pas de matière sous la charge : cette pièce ne la porte pas."),
    "design_table": ("Cases tried", "Cas essayés"),
    "design_col_row": ("Row", "Ligne"),
    "design_col_angle": ("Angle", "Angle"),
    "design_col_volume": ("Volume", "Volume"),
    "design_col_simp": ("C of SIMP", "C de SIMP"),
    "design_col_median_ce": ("Median CE of G", "CE médiane de G"),
    "design_col_best_ce": ("Best CE of G", "Meilleure CE de G"),
    "design_col_k": ("K", "K"),
    "design_col_polished_ce": ("Median CE of G + K", "CE médiane de G + K"),
    "design_col_in_range": ("Trained range", "Domaine entraîné"),
    # ---------------------------------------------------------------- Streamlit's own words, floating material
    "st_upload": ("Upload", "Choisir un fichier"),
    "st_upload_limit": ("{mb} MB per file • {types}", "{mb} Mo par fichier • {types}"),
    "aria_sidebar": ("Sidebar", "Barre latérale"),
    "aria_collapse_sidebar": ("Collapse sidebar", "Replier la barre latérale"),
    "aria_expand_sidebar": ("Expand sidebar", "Déplier la barre latérale"),
    "aria_app_pages": ("App pages", "Pages de l'application"),
    "aria_heading_link": ("Link to heading", "Lien vers ce titre"),
    "aria_increment": ("Increment", "Augmenter"),
    "aria_decrement": ("Decrement", "Diminuer"),
    "aria_file_upload": ("file upload", "envoi de fichier"),
    "aria_help": ("Help", "Aide"),
    "aria_help_for": ("Help for", "Aide :"),
    "aria_open": ("Open", "Ouvrir"),
    "aria_close": ("Close", "Fermer"),
    "aria_clear_all": ("Clear all", "Tout effacer"),
    "aria_remove": ("Remove", "Retirer"),
    "aria_selected_values": ("Selected values", "Valeurs choisies"),
    "aria_copy": ("Copy to clipboard", "Copier dans le presse-papiers"),
    "aria_show_data": ("Show data", "Afficher les données"),
    "aria_download_png": ("Download as PNG", "Télécharger en PNG"),
    "aria_download_csv": ("Download as CSV", "Télécharger en CSV"),
    "aria_fullscreen": ("Fullscreen", "Plein écran"),
    "aria_fullscreen_of": ("Fullscreen:", "Plein écran :"),
    "aria_search": ("Search", "Rechercher"),
    "aria_columns": ("Show/hide columns", "Afficher ou masquer les colonnes"),
    "aria_copy_spec": ("Copy Vega-Lite spec", "Copier la spécification Vega-Lite"),
    "aria_chart": ("Vega visualization", "Graphique Vega"),
    "design_g_floating": ("C = {c} · CE = {ce} · {px} px floating, removed (orange)",
                          "C = {c} · CE = {ce} · {px} px de matière flottante, retirés (orange)"),
    "floating_explain": ("Floating material (orange): solid pieces drawn cut off from the piece that joins the clamped "
                         "edge to the load (8-connected). They carry no load, so they are removed: the part is the "
                         "rest, one piece, as stiff and lighter; C and CE are the part's.",
                         "Matière flottante (en orange) : morceaux de matière dessinés détachés de la pièce qui relie "
                         "l'encastrement à la charge (8-connexité). Ils ne portent aucune charge, on les retire : la "
                         "pièce est le reste, d'un seul tenant, aussi rigide et plus légère ; C et CE sont les siennes."),
    "samples_floating": ("{n} of {total} designs hold floating material (orange): pieces cut off from the part that "
                         "holds the clamped edge, which carry no load.",
                         "{n} pièces sur {total} ont de la matière flottante (en orange) : des morceaux détachés de "
                         "la pièce tenue par l'encastrement, qui ne portent aucune charge."),
    "overlay_axis": ("share of outlines", "part des contours"),
    "nb_rows": ("a row per load case", "une ligne par cas de charge"),
    "nb_steps": ("train_step, 1,200 times", "train_step, 1 200 fois"),
}


def text(key: str, lang: str, **values) -> str:
    """The text of ``key`` in ``lang`` (English if unknown), with ``values`` filled in."""
    en, fr = TEXTS[key]
    template = fr if lang == "fr" else en
    return template.format(**values) if values else template


def number(value: float, lang: str, spec: str = ",") -> str:
    """``value`` formatted with ``spec`` as ``lang`` writes numbers: 1,234.5 in English, 1 234,5 in French."""
    written = format(value, spec)
    if lang == "fr":  # and a narrow space before a percent sign, "40 %"
        written = written.replace(",", "\u202f").replace(".", ",").replace("%", "\u202f%")
    return written
